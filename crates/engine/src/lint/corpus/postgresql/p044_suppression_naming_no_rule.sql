-- expect L001 L021
--
-- Revision ID: p044
-- Revises:

-- migrate:upgrade
-- lint: allow L999 because
CREATE INDEX ix_accounts_name ON accounts (name);

-- migrate:downgrade
DROP INDEX ix_accounts_name;
