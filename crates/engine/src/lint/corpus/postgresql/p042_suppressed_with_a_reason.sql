-- expect clean
--
-- Revision ID: p042
-- Revises:

-- migrate:upgrade
-- lint: allow L001 accounts holds a dozen rows
CREATE INDEX ix_accounts_name ON accounts (name);

-- migrate:downgrade
DROP INDEX ix_accounts_name;
