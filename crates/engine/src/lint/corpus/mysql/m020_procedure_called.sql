-- expect L031
--
-- Revision ID: m020
-- Revises:

-- migrate:upgrade
CALL purge_sessions();

-- migrate:downgrade
SELECT 1;
