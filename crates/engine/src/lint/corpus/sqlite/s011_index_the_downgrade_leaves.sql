-- expect L018
--
-- Revision ID: s011
-- Revises:

-- migrate:upgrade
CREATE INDEX ix_accounts_name ON accounts (name);

-- migrate:downgrade

