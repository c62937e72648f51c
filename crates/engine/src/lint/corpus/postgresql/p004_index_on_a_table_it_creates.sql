-- expect clean
--
-- Revision ID: p004
-- Revises:

-- migrate:upgrade
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
CREATE INDEX ix_notes_body ON notes (body);

-- migrate:downgrade
DROP TABLE notes;
