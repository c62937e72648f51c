-- expect clean
--
-- Revision ID: p063
-- Revises:

-- migrate:upgrade
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX ux_events_id;

-- migrate:downgrade
ALTER TABLE events DROP CONSTRAINT events_pkey;
