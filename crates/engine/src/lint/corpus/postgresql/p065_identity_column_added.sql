-- expect L029
--
-- Revision ID: p065
-- Revises:

-- migrate:upgrade
ALTER TABLE events ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY;

-- migrate:downgrade
ALTER TABLE events DROP COLUMN seq;
