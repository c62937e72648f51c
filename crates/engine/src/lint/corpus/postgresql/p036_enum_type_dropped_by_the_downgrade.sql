-- expect clean
--
-- Revision ID: p036
-- Revises:

-- migrate:upgrade
CREATE TYPE mood AS ENUM ('calm', 'busy');

-- migrate:downgrade
DROP TYPE mood;
