-- expect L004
--
-- Revision ID: m005
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN plan VARCHAR(20) NOT NULL;

-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN plan;
