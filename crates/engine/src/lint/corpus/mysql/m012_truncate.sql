-- expect L022
--
-- Revision ID: m012
-- Revises:

-- migrate:upgrade
TRUNCATE TABLE sessions;

-- migrate:downgrade
SELECT 1;
