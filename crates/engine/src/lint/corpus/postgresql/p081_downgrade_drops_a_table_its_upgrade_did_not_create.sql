-- expect down:L010
--
-- Revision ID: p081
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts ADD COLUMN note TEXT;

-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN note;
DROP TABLE account_notes;
