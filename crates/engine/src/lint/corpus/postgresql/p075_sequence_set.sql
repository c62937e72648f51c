-- expect clean
--
-- Revision ID: p075
-- Revises:

-- migrate:upgrade
SELECT setval('accounts_id_seq', (SELECT max(id) FROM accounts));

-- migrate:downgrade
SELECT 1;
