-- expect L013
--
-- Revision ID: p079
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts RENAME COLUMN name TO display_name;

-- migrate:downgrade
ALTER TABLE accounts RENAME COLUMN display_name TO name;
