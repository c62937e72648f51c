//! The lease lock's table and statements: one row per version table that names its holder
//! (a random id, the host, the process), when it was taken and renewed, when it expires, and
//! a fencing token that grows with every acquisition. Every statement is plain text with
//! literals inlined, so that it runs through the simple query protocol (what a
//! transaction-pooling PgBouncer passes intact) and reads the database's clock, never the
//! runner's. Text only: must not import the drivers or the runner.

use std::time::Duration;

use super::Tables;
use crate::sql::literal;
use aurora_migrate_core::Database;

/// Who asks for the lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimant {
    /// A random id, new for every run.
    pub holder: String,
    /// The host the runner runs on.
    pub host: String,
    /// Its process id.
    pub pid: u32,
}

impl Claimant {
    /// This process, with a new random id.
    pub fn this_process() -> Claimant {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "unknown".to_string());
        Claimant {
            holder: uuid::Uuid::new_v4().simple().to_string(),
            host: host.chars().take(255).collect(),
            pid: std::process::id(),
        }
    }
}

/// The database's clock, with sub-second precision.
fn now(kind: Database) -> &'static str {
    match kind {
        // UTC, whatever the session's time zone, as every runner must read the same clock.
        Database::Mysql => "UTC_TIMESTAMP(6)",
        // clock_timestamp(), not now(): inside a transaction now() stands still.
        _ => "clock_timestamp()",
    }
}

/// The database's clock plus `duration`.
fn later(kind: Database, duration: Duration) -> String {
    match kind {
        Database::Mysql => format!(
            "UTC_TIMESTAMP(6) + INTERVAL {} MICROSECOND",
            duration.as_micros().max(1)
        ),
        _ => format!(
            "clock_timestamp() + interval '{} milliseconds'",
            duration.as_millis().max(1)
        ),
    }
}

impl Tables {
    /// The lease table's name, quoted for SQL.
    pub fn lease_sql(&self) -> String {
        crate::sql::quote_path(&self.lease)
    }

    /// The statements that create the lease table and its one row, if they do not exist;
    /// each is safe to run again, and by many runners at once.
    pub fn create_lease(&self, kind: Database) -> Vec<String> {
        let timestamp = match kind {
            Database::Mysql => "DATETIME(6)",
            _ => "TIMESTAMPTZ",
        };
        let mut statements: Vec<String> = self.create_own_schema(kind).into_iter().collect();
        statements.push(format!(
            "CREATE TABLE IF NOT EXISTS {} (name VARCHAR(255) NOT NULL PRIMARY KEY, holder VARCHAR(64), \
             host VARCHAR(255), pid BIGINT, acquired_at {timestamp} NULL, renewed_at {timestamp} NULL, \
             expires_at {timestamp} NULL, token BIGINT NOT NULL)",
            self.lease_sql()
        ));
        statements.push(match kind {
            Database::Mysql => format!(
                "INSERT IGNORE INTO {} (name, token) VALUES ({}, 0)",
                self.lease_sql(),
                literal(&self.version)
            ),
            _ => format!(
                "INSERT INTO {} (name, token) VALUES ({}, 0) ON CONFLICT (name) DO NOTHING",
                self.lease_sql(),
                literal(&self.version)
            ),
        });
        statements
    }

    /// Takes the lease when it is free or expired, in one atomic statement: the row changes
    /// (and, on PostgreSQL, returns the new fencing token) only then.
    pub fn acquire_lease(&self, kind: Database, claimant: &Claimant, duration: Duration) -> String {
        let returning = match kind {
            Database::Mysql => "",
            _ => " RETURNING token",
        };
        format!(
            "UPDATE {table} SET holder = {holder}, host = {host}, pid = {pid}, acquired_at = {now}, \
             renewed_at = {now}, expires_at = {expires}, token = token + 1 \
             WHERE name = {name} AND (holder IS NULL OR expires_at < {now}){returning}",
            table = self.lease_sql(),
            holder = literal(&claimant.holder),
            host = literal(&claimant.host),
            pid = claimant.pid,
            now = now(kind),
            expires = later(kind, duration),
            name = literal(&self.version),
        )
    }

    /// The fencing token `holder` holds, if it holds the lease (MySQL, after acquiring).
    pub fn lease_token(&self, holder: &str) -> String {
        format!(
            "SELECT token FROM {} WHERE name = {} AND holder = {}",
            self.lease_sql(),
            literal(&self.version),
            literal(holder)
        )
    }

    /// Extends the lease, only while `holder` still holds it with `token`.
    pub fn renew_lease(
        &self,
        kind: Database,
        holder: &str,
        token: i64,
        duration: Duration,
    ) -> String {
        format!(
            "UPDATE {} SET renewed_at = {}, expires_at = {} WHERE name = {} AND holder = {} AND token = {token}",
            self.lease_sql(),
            now(kind),
            later(kind, duration),
            literal(&self.version),
            literal(holder)
        )
    }

    /// Gives the lease up, only while `holder` still holds it with `token`; the token stays,
    /// so the next holder's is larger.
    pub fn release_lease(&self, kind: Database, holder: &str, token: i64) -> String {
        format!(
            "UPDATE {} SET holder = NULL, expires_at = {} WHERE name = {} AND holder = {} AND token = {token}",
            self.lease_sql(),
            now(kind),
            literal(&self.version),
            literal(holder)
        )
    }

    /// Who holds the lease, as text a person reads, with whether it has expired.
    pub fn lease_holder(&self, kind: Database) -> String {
        let text = |expr: &str| match kind {
            Database::Mysql => format!("CAST({expr} AS CHAR)"),
            _ => format!("{expr}::text"),
        };
        format!(
            "SELECT holder, host, {pid}, {acquired}, {renewed}, {expires}, {token} FROM {table} WHERE name = {name}",
            pid = text("pid"),
            acquired = text("acquired_at"),
            renewed = text("renewed_at"),
            expires = text("expires_at"),
            token = text("token"),
            table = self.lease_sql(),
            name = literal(&self.version),
        )
    }

    /// PostgreSQL: a statement for a step's transaction, after the migration's statements and
    /// before its bookkeeping, that fails the step unless `holder` still holds the lease with
    /// `token`, and keeps anyone from taking it over until the step commits (FOR SHARE).
    pub fn lease_fence(&self, holder: &str, token: i64) -> String {
        format!(
            "DO $aurora_fence$BEGIN PERFORM 1 FROM {table} WHERE name = {name} AND holder = {holder} \
             AND token = {token} FOR SHARE; IF NOT FOUND THEN RAISE EXCEPTION \
             'the migration lease on % was taken over by another runner (fencing token {token} is no longer current)', \
             {name}; END IF; END$aurora_fence$",
            table = self.lease_sql(),
            name = literal(&self.version),
            holder = literal(holder),
        )
    }
}
