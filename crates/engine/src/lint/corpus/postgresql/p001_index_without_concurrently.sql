-- expect L001
--
-- Revision ID: p001
-- Revises:

-- migrate:upgrade
CREATE INDEX ix_accounts_name ON accounts (name);

-- migrate:downgrade
DROP INDEX ix_accounts_name;
