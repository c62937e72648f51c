-- expect L026
--
-- Revision ID: m013
-- Revises:

-- migrate:upgrade
LOCK TABLES accounts WRITE;
UPDATE accounts SET tier = 'gold' WHERE id = 1;
UNLOCK TABLES;

-- migrate:downgrade
SELECT 1;
