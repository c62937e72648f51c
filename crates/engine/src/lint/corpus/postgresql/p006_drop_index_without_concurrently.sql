-- expect L002 down:L001
--
-- Revision ID: p006
-- Revises:

-- migrate:upgrade
DROP INDEX ix_accounts_legacy;

-- migrate:downgrade
CREATE INDEX ix_accounts_legacy ON accounts (legacy);
