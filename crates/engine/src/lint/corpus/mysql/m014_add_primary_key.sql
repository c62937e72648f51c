-- expect L028
--
-- Revision ID: m014
-- Revises:

-- migrate:upgrade
ALTER TABLE events ADD PRIMARY KEY (id);

-- migrate:downgrade
ALTER TABLE events DROP PRIMARY KEY;
