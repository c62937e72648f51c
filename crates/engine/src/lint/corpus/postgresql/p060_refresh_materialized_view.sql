-- expect L027
--
-- Revision ID: p060
-- Revises:

-- migrate:upgrade
REFRESH MATERIALIZED VIEW account_totals;

-- migrate:downgrade
SELECT 1;
