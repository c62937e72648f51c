-- expect clean
--
-- Revision ID: p059
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN note TEXT;

-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN note;
