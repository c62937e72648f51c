-- Replace chains.is_active by a status column
--
-- Revision ID: 8d1e6b0f2a57
-- Revises: 3f2a9c1b7d4e
-- Create Date: 2026-11-23 14:00:00+00:00
-- lint: allow L017 the new status column is filled from is_active in the same transaction; chains holds one row per supported network
-- lint: allow L011 is_active is replaced by status in this migration, and the release that runs it no longer reads is_active

-- migrate:upgrade postgresql
CREATE TYPE chain_status AS ENUM ('active', 'paused', 'retired');
ALTER TABLE chains ADD COLUMN status chain_status NOT NULL DEFAULT 'active';
UPDATE chains SET status = CASE WHEN is_active THEN 'active'::chain_status ELSE 'paused'::chain_status END;
ALTER TABLE chains DROP COLUMN is_active;

-- migrate:upgrade sqlite
ALTER TABLE chains ADD COLUMN status VARCHAR(7) NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'paused', 'retired'));
UPDATE chains SET status = CASE WHEN is_active THEN 'active' ELSE 'paused' END;
ALTER TABLE chains DROP COLUMN is_active;

-- migrate:upgrade mysql
ALTER TABLE chains ADD COLUMN status ENUM('active', 'paused', 'retired') NOT NULL DEFAULT 'active';
UPDATE chains SET status = CASE WHEN is_active THEN 'active' ELSE 'paused' END;
ALTER TABLE chains DROP COLUMN is_active;

-- migrate:downgrade postgresql
ALTER TABLE chains ADD COLUMN is_active BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE chains SET is_active = (status = 'active');
ALTER TABLE chains DROP COLUMN status;
DROP TYPE IF EXISTS chain_status CASCADE;

-- migrate:downgrade sqlite
ALTER TABLE chains ADD COLUMN is_active BOOLEAN NOT NULL DEFAULT 1;
UPDATE chains SET is_active = (status = 'active');
ALTER TABLE chains DROP COLUMN status;

-- migrate:downgrade mysql
ALTER TABLE chains ADD COLUMN is_active BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE chains SET is_active = (status = 'active');
ALTER TABLE chains DROP COLUMN status;
