-- expect L011 L019
--
-- Revision ID: p039
-- Revises:
-- Compatibility: expand

-- migrate:upgrade
ALTER TABLE accounts DROP COLUMN legacy;

-- migrate:downgrade
ALTER TABLE accounts ADD COLUMN legacy TEXT;
