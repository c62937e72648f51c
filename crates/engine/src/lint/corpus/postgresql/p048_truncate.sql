-- expect L022
--
-- Revision ID: p048
-- Revises:

-- migrate:upgrade
TRUNCATE sessions;

-- migrate:downgrade
SELECT 1;
