-- expect L024
--
-- Revision ID: p053
-- Revises:

-- migrate:upgrade
CLUSTER accounts USING ix_accounts_name;

-- migrate:downgrade
SELECT 1;
