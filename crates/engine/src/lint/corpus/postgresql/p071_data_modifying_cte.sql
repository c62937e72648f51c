-- expect L017
--
-- Revision ID: p071
-- Revises:

-- migrate:upgrade
WITH gone AS (DELETE FROM sessions RETURNING id) INSERT INTO session_archive (id) SELECT id FROM gone;

-- migrate:downgrade
SELECT 1;
