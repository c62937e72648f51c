-- expect clean
--
-- Revision ID: p019
-- Revises:

-- migrate:upgrade
ALTER TABLE orders ADD CONSTRAINT orders_account_fkey FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;

-- migrate:downgrade
ALTER TABLE orders DROP CONSTRAINT orders_account_fkey;
