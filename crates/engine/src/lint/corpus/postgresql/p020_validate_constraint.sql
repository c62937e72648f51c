-- expect clean
--
-- Revision ID: p020
-- Revises:

-- migrate:upgrade
ALTER TABLE orders VALIDATE CONSTRAINT orders_account_fkey;

-- migrate:downgrade

