-- expect L014
--
-- Revision ID: p029
-- Revises:

-- migrate:upgrade
ALTER TYPE account_status ADD VALUE 'archived';
UPDATE accounts SET status = 'archived' WHERE closed;

-- migrate:downgrade

