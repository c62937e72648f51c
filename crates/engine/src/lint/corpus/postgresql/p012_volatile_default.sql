-- expect L005
--
-- Revision ID: p012
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN token UUID DEFAULT gen_random_uuid();

-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN token;
