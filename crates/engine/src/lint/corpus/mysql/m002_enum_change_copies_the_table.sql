-- expect L015
--
-- Revision ID: m002
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts MODIFY COLUMN status ENUM('active', 'paused', 'closed') NOT NULL;

-- migrate:downgrade
ALTER TABLE accounts MODIFY COLUMN status ENUM('active', 'closed') NOT NULL;
