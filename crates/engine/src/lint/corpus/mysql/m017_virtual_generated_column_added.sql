-- expect clean
--
-- Revision ID: m017
-- Revises:

-- migrate:upgrade
ALTER TABLE orders ADD COLUMN total DECIMAL(12, 2) AS (price * quantity) VIRTUAL;

-- migrate:downgrade
ALTER TABLE orders DROP COLUMN total;
