-- expect L010
--
-- Revision ID: p047
-- Revises:

-- migrate:upgrade
-- lint: allow L011 the column is empty
ALTER TABLE accounts DROP COLUMN legacy;
DROP TABLE legacy;

-- migrate:downgrade
CREATE TABLE legacy (id INTEGER PRIMARY KEY);
ALTER TABLE accounts ADD COLUMN legacy TEXT;
