-- expect clean
--
-- Revision ID: p077
-- Revises:
-- Transaction: none

-- migrate:upgrade
ALTER TABLE orders ADD COLUMN region TEXT;
CREATE INDEX CONCURRENTLY ix_orders_region ON orders (region);

-- migrate:downgrade
ALTER TABLE orders DROP COLUMN region;
