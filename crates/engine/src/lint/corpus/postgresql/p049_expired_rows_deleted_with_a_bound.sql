-- expect clean
--
-- Revision ID: p049
-- Revises:

-- migrate:upgrade
DELETE FROM sessions WHERE expires_at < now() - interval '30 days';

-- migrate:downgrade
SELECT 1;
