-- Initial schema: chains, tokens and wallets
--
-- Revision ID: cec3a80e61a4
-- Revises:
-- Create Date: 2026-11-23 09:00:00+00:00

-- migrate:upgrade postgresql
CREATE TYPE chain_kind AS ENUM ('mainnet', 'testnet', 'devnet');
CREATE TYPE token_standard AS ENUM ('native', 'erc20', 'erc721', 'spl');

CREATE TABLE chains (
    id SERIAL PRIMARY KEY,
    name VARCHAR(100) NOT NULL UNIQUE,
    chain_id BIGINT NOT NULL UNIQUE,
    kind chain_kind NOT NULL DEFAULT 'mainnet',
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE tokens (
    id SERIAL PRIMARY KEY,
    chain_id INTEGER NOT NULL REFERENCES chains (id) ON DELETE CASCADE,
    symbol VARCHAR(20) NOT NULL,
    decimals SMALLINT NOT NULL CHECK (decimals BETWEEN 0 AND 36),
    standard token_standard NOT NULL,
    contract_address VARCHAR(100),
    CONSTRAINT uq_tokens_chain_symbol UNIQUE (chain_id, symbol)
);

CREATE TABLE wallets (
    id SERIAL PRIMARY KEY,
    chain_id INTEGER NOT NULL REFERENCES chains (id) ON DELETE RESTRICT,
    address VARCHAR(100) NOT NULL,
    label TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT uq_wallets_chain_address UNIQUE (chain_id, address)
);
CREATE INDEX ix_tokens_symbol ON tokens (symbol);

-- migrate:upgrade sqlite
CREATE TABLE chains (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(100) NOT NULL UNIQUE,
    chain_id BIGINT NOT NULL UNIQUE,
    kind VARCHAR(7) NOT NULL DEFAULT 'mainnet' CHECK (kind IN ('mainnet', 'testnet', 'devnet')),
    is_active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chain_id INTEGER NOT NULL REFERENCES chains (id) ON DELETE CASCADE,
    symbol VARCHAR(20) NOT NULL,
    decimals SMALLINT NOT NULL CHECK (decimals BETWEEN 0 AND 36),
    standard VARCHAR(6) NOT NULL CHECK (standard IN ('native', 'erc20', 'erc721', 'spl')),
    contract_address VARCHAR(100),
    CONSTRAINT uq_tokens_chain_symbol UNIQUE (chain_id, symbol)
);

CREATE TABLE wallets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chain_id INTEGER NOT NULL REFERENCES chains (id) ON DELETE RESTRICT,
    address VARCHAR(100) NOT NULL,
    label TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_wallets_chain_address UNIQUE (chain_id, address)
);
CREATE INDEX ix_tokens_symbol ON tokens (symbol);

-- migrate:upgrade mysql
CREATE TABLE chains (
    id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100) NOT NULL UNIQUE,
    chain_id BIGINT NOT NULL UNIQUE,
    kind ENUM('mainnet', 'testnet', 'devnet') NOT NULL DEFAULT 'mainnet',
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE tokens (
    id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
    chain_id INTEGER NOT NULL,
    symbol VARCHAR(20) NOT NULL,
    decimals SMALLINT NOT NULL CHECK (decimals BETWEEN 0 AND 36),
    standard ENUM('native', 'erc20', 'erc721', 'spl') NOT NULL,
    contract_address VARCHAR(100),
    CONSTRAINT uq_tokens_chain_symbol UNIQUE (chain_id, symbol),
    CONSTRAINT tokens_chain_id_fkey FOREIGN KEY (chain_id) REFERENCES chains (id) ON DELETE CASCADE
);

CREATE TABLE wallets (
    id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
    chain_id INTEGER NOT NULL,
    address VARCHAR(100) NOT NULL,
    label TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uq_wallets_chain_address UNIQUE (chain_id, address),
    CONSTRAINT wallets_chain_id_fkey FOREIGN KEY (chain_id) REFERENCES chains (id) ON DELETE RESTRICT
);
CREATE INDEX ix_tokens_symbol ON tokens (symbol);

-- migrate:downgrade postgresql
DROP TABLE IF EXISTS wallets;
DROP TABLE IF EXISTS tokens;
DROP TABLE IF EXISTS chains;
DROP TYPE IF EXISTS token_standard CASCADE;
DROP TYPE IF EXISTS chain_kind CASCADE;

-- migrate:downgrade sqlite
DROP TABLE IF EXISTS wallets;
DROP TABLE IF EXISTS tokens;
DROP TABLE IF EXISTS chains;

-- migrate:downgrade mysql
DROP TABLE IF EXISTS wallets;
DROP TABLE IF EXISTS tokens;
DROP TABLE IF EXISTS chains;
