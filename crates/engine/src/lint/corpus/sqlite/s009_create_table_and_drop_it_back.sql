-- expect clean
--
-- Revision ID: s009
-- Revises:

-- migrate:upgrade
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);

-- migrate:downgrade
DROP TABLE notes;
