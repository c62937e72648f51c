-- expect clean
--
-- Revision ID: p045
-- Revises:
-- lint: allow L010 legacy was never written to

-- migrate:upgrade
DROP TABLE legacy;

-- migrate:downgrade
CREATE TABLE legacy (id INTEGER PRIMARY KEY);
