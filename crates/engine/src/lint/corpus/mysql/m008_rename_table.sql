-- expect L013
--
-- Revision ID: m008
-- Revises:

-- migrate:upgrade
RENAME TABLE accounts TO users;

-- migrate:downgrade
RENAME TABLE users TO accounts;
