-- expect L017
--
-- Revision ID: p033
-- Revises:

-- migrate:upgrade
DELETE FROM sessions;

-- migrate:downgrade

