-- expect clean
--
-- Revision ID: p054
-- Revises:

-- migrate:upgrade
CREATE TABLE ledger (id BIGINT PRIMARY KEY, at TIMESTAMPTZ);
CLUSTER ledger USING ledger_pkey;

-- migrate:downgrade
DROP TABLE ledger;
