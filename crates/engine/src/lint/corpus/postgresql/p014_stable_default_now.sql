-- expect clean
--
-- Revision ID: p014
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN seen_at TIMESTAMPTZ DEFAULT now();

-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN seen_at;
