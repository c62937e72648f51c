-- expect clean
--
-- Revision ID: m006
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN tier ENUM('free', 'paid') NOT NULL;

-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN tier;
