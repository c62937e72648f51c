-- expect L017
--
-- Revision ID: m010
-- Revises:

-- migrate:upgrade
DELETE FROM sessions;

-- migrate:downgrade

