-- expect L013 L019
--
-- Revision ID: s010
-- Revises:
-- Compatibility: expand

-- migrate:upgrade
ALTER TABLE accounts RENAME COLUMN name TO full_name;

-- migrate:downgrade
ALTER TABLE accounts RENAME COLUMN full_name TO name;
