-- expect clean
--
-- Revision ID: p023
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE USING INDEX ux_accounts_email;

-- migrate:downgrade
ALTER TABLE accounts DROP CONSTRAINT accounts_email_key;
