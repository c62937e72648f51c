-- expect clean
--
-- Revision ID: p030
-- Revises:

-- migrate:upgrade
ALTER TYPE account_status ADD VALUE 'archived';

-- migrate:downgrade

