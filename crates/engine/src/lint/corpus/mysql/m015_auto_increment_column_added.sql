-- expect L029
--
-- Revision ID: m015
-- Revises:

-- migrate:upgrade
ALTER TABLE events ADD COLUMN seq BIGINT AUTO_INCREMENT UNIQUE;

-- migrate:downgrade
ALTER TABLE events DROP COLUMN seq;
