-- expect clean
--
-- Revision ID: p056
-- Revises:
-- Transaction: none

-- migrate:upgrade
REINDEX INDEX CONCURRENTLY ix_accounts_name;

-- migrate:downgrade
SELECT 1;
