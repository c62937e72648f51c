-- expect L005
--
-- Revision ID: p013
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN shard DOUBLE PRECISION DEFAULT random();

-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN shard;
