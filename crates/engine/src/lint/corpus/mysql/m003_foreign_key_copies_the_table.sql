-- expect L008
--
-- Revision ID: m003
-- Revises:

-- migrate:upgrade
ALTER TABLE orders ADD CONSTRAINT orders_account_fkey FOREIGN KEY (account_id) REFERENCES accounts (id);

-- migrate:downgrade
ALTER TABLE orders DROP FOREIGN KEY orders_account_fkey;
