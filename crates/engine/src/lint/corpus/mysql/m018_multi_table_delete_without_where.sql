-- expect L017
--
-- Revision ID: m018
-- Revises:

-- migrate:upgrade
DELETE s FROM sessions s;

-- migrate:downgrade
SELECT 1;
