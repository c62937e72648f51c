-- expect L013
--
-- Revision ID: p027
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts RENAME TO users;

-- migrate:downgrade
ALTER TABLE users RENAME TO accounts;
