-- expect clean
--
-- Revision ID: p031
-- Revises:
-- Transaction: none

-- migrate:upgrade
ALTER TYPE account_status ADD VALUE 'archived';
UPDATE accounts SET status = 'archived' WHERE closed;

-- migrate:downgrade

