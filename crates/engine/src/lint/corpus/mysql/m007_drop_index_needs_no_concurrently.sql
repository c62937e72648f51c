-- expect clean
--
-- Revision ID: m007
-- Revises:

-- migrate:upgrade
DROP INDEX ix_accounts_legacy ON accounts;

-- migrate:downgrade
CREATE INDEX ix_accounts_legacy ON accounts (legacy);
