-- expect clean
--
-- Revision ID: p072
-- Revises:

-- migrate:upgrade
WITH gone AS (DELETE FROM sessions WHERE expires_at < now() RETURNING id) INSERT INTO session_archive (id) SELECT id FROM gone;

-- migrate:downgrade
SELECT 1;
