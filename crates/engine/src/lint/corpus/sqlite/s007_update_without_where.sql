-- expect L017
--
-- Revision ID: s007
-- Revises:

-- migrate:upgrade
UPDATE accounts SET plan = 'free';

-- migrate:downgrade

