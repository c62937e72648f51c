//! The lease lock's table and statements: one row per version table that names its holder
//! (a random id, the host, the process), when it was taken and renewed, when it expires, and
//! a fencing token that grows with every acquisition. Every statement is plain text with
//! literals inlined, so that it runs through the simple query protocol (what a
//! transaction-pooling PgBouncer passes intact) and reads the database's clock, never the
//! runner's. Also who this process is, and whether a holder on this host still runs. Must
//! not import the drivers or the runner.

use std::time::Duration;

use super::Tables;
use crate::sql::literal;
use aurora_migrate_core::Database;

/// The shortest lease: it is renewed every third of its length.
pub const SHORTEST_LEASE: Duration = Duration::from_secs(1);

/// The longest lease. An expiry further ahead than this was written by no runner of ours (an
/// older build took any length, a hand edit any value), so it counts as expired, like a
/// missing one: a lease row can never block for longer.
pub const LONGEST_LEASE: Duration = Duration::from_secs(3600);

/// The fencing token after `token`: one more, and 1 again after the largest BIGINT, so that
/// taking the lease never overflows. A fence compares the holder's id with its token, and
/// each run's id is new, so a token that starts again is never mistaken for an old one.
fn next_token() -> &'static str {
    "CASE WHEN token >= 9223372036854775807 THEN 1 ELSE token + 1 END"
}

/// Who asks for the lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claimant {
    /// A random id, new for every run.
    pub holder: String,
    /// The host the runner runs on.
    pub host: String,
    /// Its process id.
    pub pid: u32,
}

impl Claimant {
    /// This process, with a new random id.
    pub(crate) fn this_process() -> Claimant {
        Claimant {
            holder: uuid::Uuid::new_v4().simple().to_string(),
            host: this_host(),
            pid: std::process::id(),
        }
    }

    /// Whether the holder recorded as `host` and `pid` is known to have died: only when it
    /// ran on this host, in this process namespace, and no process `pid` exists here. Any
    /// doubt (another host, no `/proc` to ask) answers `false`.
    pub(crate) fn is_dead(host: &str, pid: i64) -> bool {
        let proc = std::path::Path::new("/proc");
        host == this_host()
            && host.contains(" #")
            && proc.join("self").exists()
            && !proc.join(pid.to_string()).exists()
    }
}

/// This host's name, with (where `/proc` tells them) a fingerprint of the machine's boot and
/// of this process namespace: two containers or machines sharing a name are told apart, so a
/// process id is only ever looked up where it was recorded.
pub(super) fn this_host() -> String {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown".to_string());
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok();
    let namespace = std::fs::read_link("/proc/self/ns/pid").ok();
    let host = match (boot, namespace) {
        (Some(boot), Some(namespace)) => {
            let seen = format!("{}/{}", boot.trim(), namespace.display());
            let digest = aurora_migrate_core::checksum::sha256(seen.as_bytes());
            let short: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
            format!("{} #{short}", name.chars().take(240).collect::<String>())
        }
        _ => name,
    };
    host.chars().take(255).collect()
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

/// The condition under which the lease row is free to take: no holder, or an expiry that has
/// passed, is missing, or lies further ahead than any lease lasts.
fn takeable(kind: Database) -> String {
    format!(
        "(holder IS NULL OR expires_at IS NULL OR expires_at < {now} OR expires_at > {longest})",
        now = now(kind),
        longest = later(kind, LONGEST_LEASE)
    )
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
    pub(crate) fn lease_sql(&self) -> String {
        crate::sql::quote_path(&self.lease)
    }

    /// The statements that create the lease table and its one row, if they do not exist;
    /// each is safe to run again, and by many runners at once.
    pub(crate) fn create_lease(&self, kind: Database) -> Vec<String> {
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
    pub(crate) fn acquire_lease(
        &self,
        kind: Database,
        claimant: &Claimant,
        duration: Duration,
    ) -> String {
        let returning = match kind {
            Database::Mysql => "",
            _ => " RETURNING token",
        };
        format!(
            "UPDATE {table} SET holder = {holder}, host = {host}, pid = {pid}, acquired_at = {now}, \
             renewed_at = {now}, expires_at = {expires}, token = {next} \
             WHERE name = {name} AND {takeable}{returning}",
            table = self.lease_sql(),
            holder = literal(&claimant.holder),
            host = literal(&claimant.host),
            pid = claimant.pid,
            now = now(kind),
            expires = later(kind, duration),
            next = next_token(),
            name = literal(&self.version),
            takeable = takeable(kind),
        )
    }

    /// The fencing token `holder` holds, if it holds the lease (MySQL, after acquiring).
    pub(crate) fn lease_token(&self, holder: &str) -> String {
        format!(
            "SELECT token FROM {} WHERE name = {} AND holder = {}",
            self.lease_sql(),
            literal(&self.version),
            literal(holder)
        )
    }

    /// Extends the lease, only while `holder` still holds it with `token`.
    pub(crate) fn renew_lease(
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
    pub(crate) fn release_lease(&self, kind: Database, holder: &str, token: i64) -> String {
        format!(
            "UPDATE {} SET holder = NULL, expires_at = {} WHERE name = {} AND holder = {} AND token = {token}",
            self.lease_sql(),
            now(kind),
            literal(&self.version),
            literal(holder)
        )
    }

    /// The lease row as text: holder, host, pid, acquired, renewed, expires, token, and
    /// `live` or `stale` (free to take); only a live holder's row with `live_only`.
    pub(crate) fn lease_holder(&self, kind: Database, live_only: bool) -> String {
        let text = |expr: &str| match kind {
            Database::Mysql => format!("CAST({expr} AS CHAR)"),
            _ => format!("{expr}::text"),
        };
        let takeable = takeable(kind);
        format!(
            "SELECT holder, host, {pid}, {acquired}, {renewed}, {expires}, {token}, \
             CASE WHEN {takeable} THEN 'stale' ELSE 'live' END FROM {table} WHERE name = {name}{live}",
            pid = text("pid"),
            acquired = text("acquired_at"),
            renewed = text("renewed_at"),
            expires = text("expires_at"),
            token = text("token"),
            table = self.lease_sql(),
            name = literal(&self.version),
            live = match live_only {
                true => format!(" AND NOT {takeable}"),
                false => String::new(),
            },
        )
    }

    /// Breaks the lease `holder` holds with `token`, and only that one (a lease that changed
    /// hands since it was read stays): the row is freed and the token moves on, so the old
    /// holder's renewals, fence and release all find it gone.
    pub(crate) fn break_lease(&self, kind: Database, holder: &str, token: i64) -> String {
        format!(
            "UPDATE {} SET holder = NULL, expires_at = {}, token = {} WHERE name = {} AND holder = {} AND token = {token}",
            self.lease_sql(),
            now(kind),
            next_token(),
            literal(&self.version),
            literal(holder)
        )
    }

    /// PostgreSQL: a statement for a step's transaction, after the migration's statements and
    /// before its bookkeeping, that fails the step unless `holder` still holds the lease with
    /// `token`, and keeps anyone from taking it over until the step commits (FOR SHARE).
    pub(crate) fn lease_fence(&self, holder: &str, token: i64) -> String {
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
