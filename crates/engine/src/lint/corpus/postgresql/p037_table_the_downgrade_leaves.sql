-- expect L018
--
-- Revision ID: p037
-- Revises:

-- migrate:upgrade
CREATE TABLE notes (id INTEGER PRIMARY KEY);

-- migrate:downgrade

