-- expect L001
--
-- Revision ID: p005
-- Revises:

-- migrate:upgrade
CREATE UNIQUE INDEX ux_accounts_email ON accounts (email);

-- migrate:downgrade
DROP INDEX ux_accounts_email;
