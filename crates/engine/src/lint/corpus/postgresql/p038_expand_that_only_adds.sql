-- expect clean
--
-- Revision ID: p038
-- Revises:
-- Compatibility: expand

-- migrate:upgrade
CREATE TABLE notes (id INTEGER PRIMARY KEY);
ALTER TABLE accounts ADD COLUMN note TEXT;

-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN note;
DROP TABLE notes;
