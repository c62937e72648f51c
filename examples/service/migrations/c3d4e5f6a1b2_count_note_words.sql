-- Count the words of each note
--
-- Revision ID: c3d4e5f6a1b2
-- Revises: b2c3d4e5f6a1
-- Create Date: 2026-12-07 12:00:00+00:00

-- migrate:upgrade
ALTER TABLE notes ADD COLUMN words INTEGER;

-- The notes written before this revision get their count in batches, in the background of
-- the service that applied it; the service writes the count of each new note itself.
-- migrate:backfill
-- Table: notes
-- Key: id
-- Batch Time: 50ms
SET words = length(body) - length(replace(body, ' ', '')) + 1
WHERE words IS NULL;

-- migrate:downgrade
ALTER TABLE notes DROP COLUMN words;
