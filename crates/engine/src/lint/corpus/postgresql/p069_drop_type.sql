-- expect clean
--
-- Revision ID: p069
-- Revises:

-- migrate:upgrade
DROP TYPE legacy_kind;

-- migrate:downgrade
CREATE TYPE legacy_kind AS ENUM ('a', 'b');
