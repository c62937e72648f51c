-- expect clean
--
-- Revision ID: s013
-- Revises:

-- migrate:upgrade
ALTER TABLE orders ADD COLUMN total REAL GENERATED ALWAYS AS (price * quantity) VIRTUAL;

-- migrate:downgrade
ALTER TABLE orders DROP COLUMN total;
