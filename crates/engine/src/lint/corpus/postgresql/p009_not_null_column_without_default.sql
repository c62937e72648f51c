-- expect L004
--
-- Revision ID: p009
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN plan TEXT NOT NULL;

-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN plan;
