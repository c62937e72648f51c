-- expect L003
--
-- Revision ID: p052
-- Revises:

-- migrate:upgrade
VACUUM accounts;

-- migrate:downgrade
SELECT 1;
