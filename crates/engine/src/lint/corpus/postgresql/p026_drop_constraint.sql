-- expect L012
--
-- Revision ID: p026
-- Revises:

-- migrate:upgrade
ALTER TABLE orders DROP CONSTRAINT orders_total_positive;

-- migrate:downgrade
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
