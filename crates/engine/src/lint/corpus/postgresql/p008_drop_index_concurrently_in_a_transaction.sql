-- expect L003
--
-- Revision ID: p008
-- Revises:

-- migrate:upgrade
DROP INDEX CONCURRENTLY ix_accounts_legacy;

-- migrate:downgrade

