-- expect clean
--
-- Revision ID: p034
-- Revises:

-- migrate:upgrade
UPDATE accounts SET plan = 'free' WHERE plan IS NULL;

-- migrate:downgrade

