-- expect clean
--
-- Revision ID: p046
-- Revises:

-- migrate:upgrade
-- lint: allow drop-column retired in 2025, no reader left
ALTER TABLE accounts DROP COLUMN legacy;

-- migrate:downgrade
ALTER TABLE accounts ADD COLUMN legacy TEXT;
