-- expect L028
--
-- Revision ID: p062
-- Revises:

-- migrate:upgrade
ALTER TABLE events ADD PRIMARY KEY (id);

-- migrate:downgrade
ALTER TABLE events DROP CONSTRAINT events_pkey;
