-- expect L009
--
-- Revision ID: p022
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE (email);

-- migrate:downgrade
ALTER TABLE accounts DROP CONSTRAINT accounts_email_key;
