-- expect clean
--
-- Revision ID: s002
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN plan TEXT NOT NULL DEFAULT 'free';

-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN plan;
