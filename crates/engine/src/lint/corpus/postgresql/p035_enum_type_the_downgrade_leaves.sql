-- expect L018
--
-- Revision ID: p035
-- Revises:

-- migrate:upgrade
CREATE TYPE mood AS ENUM ('calm', 'busy');

-- migrate:downgrade

