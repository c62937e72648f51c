-- expect clean
--
-- Revision ID: p017
-- Revises:

-- migrate:upgrade
ALTER TABLE accounts ADD CONSTRAINT accounts_email_not_null CHECK (email IS NOT NULL) NOT VALID;

-- migrate:downgrade
ALTER TABLE accounts DROP CONSTRAINT accounts_email_not_null;
