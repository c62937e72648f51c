-- expect L030
--
-- Revision ID: m019
-- Revises:

-- migrate:upgrade
DROP SCHEMA legacy;

-- migrate:downgrade
CREATE SCHEMA legacy;
