-- expect L026
--
-- Revision ID: p058
-- Revises:

-- migrate:upgrade
LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE;
ALTER TABLE accounts ADD COLUMN note TEXT;

-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN note;
