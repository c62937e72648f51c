-- expect clean
--
-- Revision ID: p076
-- Revises:

-- migrate:upgrade
CREATE TABLE wallets (id BIGINT PRIMARY KEY, owner TEXT);
CREATE TYPE wallet_kind AS ENUM ('hot', 'cold');
ALTER TABLE accounts ADD COLUMN wallet_id BIGINT;

-- migrate:downgrade
ALTER TABLE accounts DROP COLUMN wallet_id;
DROP TYPE wallet_kind CASCADE;
DROP TABLE wallets;
