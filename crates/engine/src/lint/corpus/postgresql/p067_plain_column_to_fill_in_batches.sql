-- expect clean
--
-- Revision ID: p067
-- Revises:

-- migrate:upgrade
ALTER TABLE events ADD COLUMN seq BIGINT;

-- migrate:downgrade
ALTER TABLE events DROP COLUMN seq;
