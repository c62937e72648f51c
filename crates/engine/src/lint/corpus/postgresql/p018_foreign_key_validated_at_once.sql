-- expect L008
--
-- Revision ID: p018
-- Revises:

-- migrate:upgrade
ALTER TABLE orders ADD CONSTRAINT orders_account_fkey FOREIGN KEY (account_id) REFERENCES accounts (id);

-- migrate:downgrade
ALTER TABLE orders DROP CONSTRAINT orders_account_fkey;
