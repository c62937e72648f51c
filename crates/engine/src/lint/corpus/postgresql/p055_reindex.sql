-- expect L025
--
-- Revision ID: p055
-- Revises:

-- migrate:upgrade
REINDEX INDEX ix_accounts_name;

-- migrate:downgrade
SELECT 1;
