-- expect clean
--
-- Revision ID: p051
-- Revises:
-- Transaction: none

-- migrate:upgrade
VACUUM (ANALYZE) accounts;

-- migrate:downgrade
SELECT 1;
