-- expect clean
--
-- Revision ID: p002
-- Revises:
-- Transaction: none

-- migrate:upgrade
CREATE INDEX CONCURRENTLY ix_accounts_name ON accounts (name);

-- migrate:downgrade
DROP INDEX CONCURRENTLY ix_accounts_name;
