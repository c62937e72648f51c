-- expect clean
--
-- Revision ID: p007
-- Revises:
-- Transaction: none

-- migrate:upgrade
DROP INDEX CONCURRENTLY ix_accounts_legacy;

-- migrate:downgrade
CREATE INDEX CONCURRENTLY ix_accounts_legacy ON accounts (legacy);
