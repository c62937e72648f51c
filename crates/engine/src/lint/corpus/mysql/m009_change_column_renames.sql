-- expect L013
--
-- Revision ID: m009
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts CHANGE name full_name VARCHAR(100) NOT NULL;

-- migrate:downgrade
ALTER TABLE accounts CHANGE full_name name VARCHAR(100) NOT NULL;
