-- expect L016
--
-- Revision ID: s003
-- Revises:

-- migrate:upgrade
CREATE TABLE accounts_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO accounts_new (id, name) SELECT id, name FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;

-- migrate:downgrade
ALTER TABLE accounts ADD COLUMN legacy TEXT;
