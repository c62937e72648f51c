-- expect clean
--
-- Revision ID: m021
-- Revises:

-- migrate:upgrade
ALTER TABLE orders ADD COLUMN region VARCHAR(20);
CREATE INDEX ix_orders_region ON orders (region);

-- migrate:downgrade
ALTER TABLE orders DROP COLUMN region;
