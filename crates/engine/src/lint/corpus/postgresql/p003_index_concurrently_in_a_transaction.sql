-- expect L003
--
-- Revision ID: p003
-- Revises:

-- migrate:upgrade
CREATE INDEX CONCURRENTLY ix_accounts_name ON accounts (name);

-- migrate:downgrade
DROP INDEX ix_accounts_name;
