-- expect L017
--
-- Revision ID: p032
-- Revises:

-- migrate:upgrade
UPDATE accounts SET plan = 'free';

-- migrate:downgrade

