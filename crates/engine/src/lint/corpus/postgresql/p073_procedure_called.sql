-- expect L031
--
-- Revision ID: p073
-- Revises:

-- migrate:upgrade
CALL purge_sessions();

-- migrate:downgrade
SELECT 1;
