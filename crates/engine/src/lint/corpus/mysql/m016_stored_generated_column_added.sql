-- expect L029
--
-- Revision ID: m016
-- Revises:

-- migrate:upgrade
ALTER TABLE orders ADD COLUMN total DECIMAL(12, 2) AS (price * quantity) STORED;

-- migrate:downgrade
ALTER TABLE orders DROP COLUMN total;
