-- expect L007 L019
--
-- Revision ID: p040
-- Revises:
-- Compatibility: expand

-- migrate:upgrade
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;

-- migrate:downgrade
ALTER TABLE accounts ALTER COLUMN email DROP NOT NULL;
