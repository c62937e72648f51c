-- expect L031
--
-- Revision ID: p074
-- Revises:

-- migrate:upgrade
SELECT purge_sessions(30);

-- migrate:downgrade
SELECT 1;
