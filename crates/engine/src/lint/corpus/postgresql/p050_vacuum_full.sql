-- expect L023
--
-- Revision ID: p050
-- Revises:
-- Transaction: none

-- migrate:upgrade
VACUUM FULL accounts;

-- migrate:downgrade
SELECT 1;
