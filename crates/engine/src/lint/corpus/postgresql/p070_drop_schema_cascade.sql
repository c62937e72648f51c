-- expect L030
--
-- Revision ID: p070
-- Revises:

-- migrate:upgrade
DROP SCHEMA legacy CASCADE;

-- migrate:downgrade
CREATE SCHEMA legacy;
