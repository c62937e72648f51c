-- expect L010
--
-- Revision ID: s008
-- Revises:

-- migrate:upgrade
DROP TABLE legacy;

-- migrate:downgrade
CREATE TABLE legacy (id INTEGER PRIMARY KEY);
