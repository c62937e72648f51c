-- expect L029
--
-- Revision ID: p066
-- Revises:

-- migrate:upgrade
ALTER TABLE orders ADD COLUMN total NUMERIC GENERATED ALWAYS AS (price * quantity) STORED;

-- migrate:downgrade
ALTER TABLE orders DROP COLUMN total;
