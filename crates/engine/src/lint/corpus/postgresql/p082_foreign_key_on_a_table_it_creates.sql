-- expect clean
--
-- Revision ID: p082
-- Revises:

-- migrate:upgrade
CREATE TABLE payouts (id BIGINT PRIMARY KEY, account_id BIGINT NOT NULL);
ALTER TABLE payouts ADD CONSTRAINT payouts_account_fkey FOREIGN KEY (account_id) REFERENCES accounts (id);

-- migrate:downgrade
DROP TABLE payouts;
