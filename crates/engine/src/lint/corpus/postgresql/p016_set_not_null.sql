-- expect L007
--
-- Revision ID: p016
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;

-- migrate:downgrade
ALTER TABLE accounts ALTER COLUMN email DROP NOT NULL;
