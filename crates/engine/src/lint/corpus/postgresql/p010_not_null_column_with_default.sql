-- expect clean
--
-- Revision ID: p010
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN plan TEXT NOT NULL DEFAULT 'free';

-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN plan;
