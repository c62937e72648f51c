-- expect L011 down:L004
--
-- Revision ID: p078
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts DROP COLUMN legacy_code;

-- migrate:downgrade
ALTER TABLE accounts ADD COLUMN legacy_code TEXT NOT NULL;
