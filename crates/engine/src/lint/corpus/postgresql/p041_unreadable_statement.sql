-- expect L020
--
-- Revision ID: p041
-- Revises:

-- migrate:upgrade
CREATE FROBNICATOR accounts WITH GUSTO;

-- migrate:downgrade

