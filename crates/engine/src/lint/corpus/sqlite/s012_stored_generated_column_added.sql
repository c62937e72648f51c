-- expect L029
--
-- Revision ID: s012
-- Revises:

-- migrate:upgrade
ALTER TABLE orders ADD COLUMN total REAL GENERATED ALWAYS AS (price * quantity) STORED;

-- migrate:downgrade
ALTER TABLE orders DROP COLUMN total;
