-- expect L021
--
-- Revision ID: p043
-- Revises:

-- migrate:upgrade
-- lint: allow L001
CREATE INDEX ix_accounts_name ON accounts (name);

-- migrate:downgrade
DROP INDEX ix_accounts_name;
