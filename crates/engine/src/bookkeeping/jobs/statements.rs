//! The jobs table's statements, written for one database. Every write that moves a job is
//! guarded by who holds its lease (and, for a batch, by the cursor it started from), so two
//! runners never both advance one job. Text only: must not import the drivers.

use super::super::record::text_literal;
use super::{JOB_COLUMNS, JobState};
use crate::bookkeeping::Tables;
use crate::sql::{literal, quote_path};
use aurora_migrate_core::Database;

/// The statements of one database's jobs table.
pub(crate) struct JobSql {
    kind: Database,
    table: String,
}

impl Tables {
    /// The jobs table's statements on `kind`.
    pub(crate) fn job_sql(&self, kind: Database) -> JobSql {
        JobSql {
            kind,
            table: quote_path(&self.jobs),
        }
    }
}

impl JobSql {
    /// The database's clock, in milliseconds since the epoch: leases are judged by one clock,
    /// whichever host a runner is on.
    pub(crate) fn now(&self) -> &'static str {
        match self.kind {
            Database::Postgres => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
            Database::Mysql => "CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)",
            Database::Sqlite => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
        }
    }

    /// The table, if it does not exist.
    pub(crate) fn create(&self) -> String {
        let text = "TEXT";
        format!(
            "CREATE TABLE IF NOT EXISTS {} (revision VARCHAR(32) NOT NULL PRIMARY KEY, state VARCHAR(9) NOT NULL, \
             last_error {text}, note {text}, owner VARCHAR(255), cursor_key BIGINT, low_key BIGINT, upper_bound BIGINT, \
             rows_done BIGINT NOT NULL DEFAULT 0, rows_seen BIGINT NOT NULL DEFAULT 0, rows_estimated BIGINT, \
             batch_size BIGINT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, lease_until BIGINT, \
             started_at BIGINT, updated_at BIGINT, finished_at BIGINT, active_ms BIGINT NOT NULL DEFAULT 0)",
            self.table
        )
    }

    /// Every job's row (or `revision`'s), with the clock last.
    pub(crate) fn select(&self, revision: Option<&str>) -> String {
        let filter = revision
            .map(|r| format!(" WHERE revision = {}", literal(r)))
            .unwrap_or_default();
        format!(
            "SELECT {}, {} FROM {}{filter} ORDER BY revision",
            JOB_COLUMNS.join(", "),
            self.now(),
            self.table
        )
    }

    /// The job's row, `running` with no cursor yet, unless it has one.
    pub(crate) fn ensure(&self, revision: &str, batch_size: i64, state: JobState) -> String {
        let (insert, conflict) = match self.kind {
            Database::Postgres => ("INSERT INTO", " ON CONFLICT (revision) DO NOTHING"),
            Database::Sqlite => ("INSERT OR IGNORE INTO", ""),
            Database::Mysql => ("INSERT IGNORE INTO", ""),
        };
        format!(
            "{insert} {} (revision, state, batch_size, updated_at) VALUES ({}, {}, {batch_size}, {}){conflict}",
            self.table,
            literal(revision),
            literal(state.name()),
            self.now()
        )
    }

    /// Takes the lease of a running job when it is free, expired, or already `owner`'s.
    pub(crate) fn claim(&self, revision: &str, owner: &str, lease_ms: u64) -> String {
        let now = self.now();
        format!(
            "UPDATE {} SET owner = {}, lease_until = {now} + {lease_ms}, updated_at = {now} \
             WHERE revision = {} AND state = 'running' AND (owner IS NULL OR owner = {} OR lease_until < {now})",
            self.table,
            self.text(owner),
            literal(revision),
            self.text(owner),
        )
    }

    /// Takes the lease from `dead`, a holder known to have died on this host.
    pub(crate) fn take_over(
        &self,
        revision: &str,
        dead: &str,
        owner: &str,
        lease_ms: u64,
    ) -> String {
        let now = self.now();
        format!(
            "UPDATE {} SET owner = {}, lease_until = {now} + {lease_ms}, updated_at = {now} \
             WHERE revision = {} AND state = 'running' AND owner = {}",
            self.table,
            self.text(owner),
            literal(revision),
            self.text(dead),
        )
    }

    /// Records the range the job walks, taken when it first runs.
    pub(crate) fn start(
        &self,
        revision: &str,
        owner: &str,
        low: i64,
        bound: i64,
        estimated: Option<i64>,
    ) -> String {
        let now = self.now();
        let estimated = estimated.map_or("NULL".to_string(), |n| n.to_string());
        format!(
            "UPDATE {} SET cursor_key = {}, low_key = {low}, upper_bound = {bound}, rows_estimated = {estimated}, \
             started_at = {now}, updated_at = {now} WHERE revision = {} AND owner = {} AND cursor_key IS NULL",
            self.table,
            low.saturating_sub(1),
            literal(revision),
            self.text(owner)
        )
    }

    /// Records the estimate, counted once the range is taken, and renews the lease the count
    /// took time from.
    pub(crate) fn estimate(
        &self,
        revision: &str,
        owner: &str,
        estimated: i64,
        lease_ms: u64,
    ) -> String {
        let now = self.now();
        format!(
            "UPDATE {} SET rows_estimated = {estimated}, lease_until = {now} + {lease_ms}, updated_at = {now} \
             WHERE revision = {} AND owner = {}",
            self.table,
            literal(revision),
            self.text(owner)
        )
    }

    /// Moves the cursor after a batch, in the batch's transaction: changes nothing (and the
    /// batch rolls back) unless `owner` still holds a running job at `from`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn advance(
        &self,
        revision: &str,
        owner: &str,
        from: i64,
        to: i64,
        changed: u64,
        seen: i64,
        next_size: i64,
        elapsed_ms: u64,
        lease_ms: u64,
        done: bool,
    ) -> String {
        let now = self.now();
        let finish = match done {
            true => {
                format!(", state = 'done', finished_at = {now}, owner = NULL, lease_until = NULL")
            }
            false => format!(", lease_until = {now} + {lease_ms}"),
        };
        format!(
            "UPDATE {} SET cursor_key = {to}, rows_done = rows_done + {changed}, rows_seen = rows_seen + {seen}, \
             batch_size = {next_size}, attempts = 0, last_error = NULL, updated_at = {now}, \
             active_ms = active_ms + {elapsed_ms}{finish} \
             WHERE revision = {} AND owner = {} AND state = 'running' AND cursor_key = {from}",
            self.table,
            literal(revision),
            self.text(owner)
        )
    }

    /// Opens a batch: holds the job's row (so an operator's change and another runner's batch
    /// wait for this one) when `owner` runs it from `from`; changes one row, or none and the
    /// batch stops.
    pub(crate) fn hold(&self, revision: &str, owner: &str, from: i64) -> String {
        format!(
            "UPDATE {} SET updated_at = {} WHERE revision = {} AND owner = {} AND state = 'running' AND cursor_key = {from}",
            self.table,
            self.now(),
            literal(revision),
            self.text(owner)
        )
    }

    /// Marks a job done whose range held nothing left to walk.
    pub(crate) fn finish(&self, revision: &str, owner: &str) -> String {
        let now = self.now();
        format!(
            "UPDATE {} SET state = 'done', finished_at = {now}, updated_at = {now}, owner = NULL, lease_until = NULL \
             WHERE revision = {} AND owner = {} AND state = 'running'",
            self.table,
            literal(revision),
            self.text(owner)
        )
    }

    /// Records a failed attempt and the batch size it goes on with.
    pub(crate) fn failed(&self, revision: &str, owner: &str, error: &str, size: i64) -> String {
        format!(
            "UPDATE {} SET attempts = attempts + 1, last_error = {}, batch_size = {size}, updated_at = {} \
             WHERE revision = {} AND owner = {}",
            self.table,
            self.text(error),
            self.now(),
            literal(revision),
            self.text(owner)
        )
    }

    /// Gives the lease back.
    pub(crate) fn release(&self, revision: &str, owner: &str) -> String {
        format!(
            "UPDATE {} SET owner = NULL, lease_until = NULL WHERE revision = {} AND owner = {}",
            self.table,
            literal(revision),
            self.text(owner)
        )
    }

    /// Moves a job from one of `from` to `to` with an operator's note; the lease is dropped
    /// when it stops running.
    pub(crate) fn set_state(
        &self,
        revision: &str,
        from: &[JobState],
        to: JobState,
        note: Option<&str>,
    ) -> String {
        let from: Vec<String> = from.iter().map(|s| literal(s.name())).collect();
        let note = note.map_or("NULL".to_string(), |n| self.text(n));
        let lease = match to {
            JobState::Running => "",
            _ => ", owner = NULL, lease_until = NULL",
        };
        format!(
            "UPDATE {} SET state = {}, note = {note}, updated_at = {}{lease} WHERE revision = {} AND state IN ({})",
            self.table,
            literal(to.name()),
            self.now(),
            literal(revision),
            from.join(", ")
        )
    }

    /// Forgets a job: its revision was reverted, and a new upgrade starts it afresh.
    pub(crate) fn delete(&self, revision: &str) -> String {
        format!(
            "DELETE FROM {} WHERE revision = {}",
            self.table,
            literal(revision)
        )
    }

    fn text(&self, value: &str) -> String {
        text_literal(self.kind, value)
    }
}
