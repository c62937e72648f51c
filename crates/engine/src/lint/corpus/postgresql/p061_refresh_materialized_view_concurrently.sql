-- expect clean
--
-- Revision ID: p061
-- Revises:

-- migrate:upgrade
REFRESH MATERIALIZED VIEW CONCURRENTLY account_totals;

-- migrate:downgrade
SELECT 1;
