-- expect L006
--
-- Revision ID: p015
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts ALTER COLUMN name TYPE VARCHAR(200);

-- migrate:downgrade
ALTER TABLE accounts ALTER COLUMN name TYPE VARCHAR(100);
