-- expect L029
--
-- Revision ID: p064
-- Revises:

-- migrate:upgrade
ALTER TABLE events ADD COLUMN seq BIGSERIAL;

-- migrate:downgrade
ALTER TABLE events DROP COLUMN seq;
