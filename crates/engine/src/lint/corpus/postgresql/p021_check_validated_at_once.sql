-- expect L008
--
-- Revision ID: p021
-- Revises:

-- migrate:upgrade
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);

-- migrate:downgrade
ALTER TABLE orders DROP CONSTRAINT orders_total_positive;
