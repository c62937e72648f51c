-- expect L013
--
-- Revision ID: s006
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts RENAME COLUMN name TO full_name;

-- migrate:downgrade
ALTER TABLE accounts RENAME COLUMN full_name TO name;
