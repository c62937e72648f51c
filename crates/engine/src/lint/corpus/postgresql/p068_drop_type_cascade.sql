-- expect L030
--
-- Revision ID: p068
-- Revises:

-- migrate:upgrade
DROP TYPE legacy_kind CASCADE;

-- migrate:downgrade
CREATE TYPE legacy_kind AS ENUM ('a', 'b');
