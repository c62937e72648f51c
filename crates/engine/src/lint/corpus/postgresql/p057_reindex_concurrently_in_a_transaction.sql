-- expect L003
--
-- Revision ID: p057
-- Revises:

-- migrate:upgrade
REINDEX TABLE CONCURRENTLY accounts;

-- migrate:downgrade
SELECT 1;
