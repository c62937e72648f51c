-- Create notes
--
-- Revision ID: a1b2c3d4e5f6
-- Revises:
-- Create Date: 2026-12-01 12:00:00+00:00

-- migrate:upgrade postgresql
CREATE TABLE notes (id SERIAL PRIMARY KEY, body TEXT NOT NULL);

-- migrate:upgrade sqlite
CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);

-- migrate:downgrade
DROP TABLE notes;
