-- expect L011
--
-- Revision ID: s005
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts DROP COLUMN legacy;

-- migrate:downgrade
ALTER TABLE accounts ADD COLUMN legacy TEXT;
