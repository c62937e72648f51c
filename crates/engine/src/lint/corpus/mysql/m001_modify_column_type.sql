-- expect L006
--
-- Revision ID: m001
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts MODIFY COLUMN name VARCHAR(200) NOT NULL;

-- migrate:downgrade
ALTER TABLE accounts MODIFY COLUMN name VARCHAR(100) NOT NULL;
