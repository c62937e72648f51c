-- expect L018
--
-- Revision ID: s015
-- Revises:

-- migrate:upgrade
ALTER TABLE orders ADD COLUMN region TEXT;
CREATE INDEX ix_orders_region ON orders (region);

-- migrate:downgrade
ALTER TABLE orders DROP COLUMN region;
