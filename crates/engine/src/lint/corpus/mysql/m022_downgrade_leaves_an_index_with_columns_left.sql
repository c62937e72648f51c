-- expect L018
--
-- Revision ID: m022
-- Revises:

-- migrate:upgrade
ALTER TABLE orders ADD COLUMN region VARCHAR(20);
CREATE INDEX ix_orders_account_region ON orders (account_id, region);

-- migrate:downgrade
ALTER TABLE orders DROP COLUMN region;
