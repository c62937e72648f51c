//! The step journal: one row per statement of a migration that cannot run in one transaction,
//! saying whether it started, finished or failed, so that a later run continues at the first
//! statement not done instead of running the others twice. The rows, their states and the
//! statements that write them. Text and data only: must not import the drivers or the runner.

mod entry;

pub(crate) use entry::{JOURNAL_COLUMNS, journal_entry};
pub use entry::{JournalEntry, StepState, statement_hash};

use super::Tables;
use crate::sql::literal;
use aurora_migrate_core::{Database, Direction};

/// Which statement of which migration a journal statement writes about.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StepKey<'a> {
    pub revision: &'a str,
    pub direction: Direction,
    pub step: usize,
}

impl StepKey<'_> {
    fn condition(&self) -> String {
        format!(
            "revision = {} AND direction = {} AND step = {}",
            literal(self.revision),
            literal(self.direction.name()),
            self.step
        )
    }
}

impl Tables {
    /// The journal's name, quoted for SQL.
    pub(crate) fn steps_sql(&self) -> String {
        crate::sql::quote_path(&self.steps)
    }

    /// The journal's table, if it does not exist: made before the first journaled statement.
    pub(crate) fn create_journal(&self, kind: Database) -> String {
        let (timestamp, text) = match kind {
            Database::Postgres => ("TIMESTAMPTZ", "TEXT"),
            Database::Mysql => ("TIMESTAMP(6)", "TEXT"),
            Database::Sqlite => ("TIMESTAMP", "TEXT"),
        };
        // Every write names its time: the default only serves a row written by hand.
        let now = match kind {
            Database::Mysql => "CURRENT_TIMESTAMP(6)",
            Database::Postgres | Database::Sqlite => now(kind),
        };
        format!(
            "CREATE TABLE IF NOT EXISTS {} (revision VARCHAR(32) NOT NULL, direction VARCHAR(9) NOT NULL, \
             step INTEGER NOT NULL, statement_hash VARCHAR(64) NOT NULL, state VARCHAR(8) NOT NULL, \
             attempt INTEGER NOT NULL, error {text}, note {text}, who VARCHAR(255) NOT NULL, \
             started_at {timestamp} NOT NULL DEFAULT {now}, finished_at {timestamp} NULL, \
             PRIMARY KEY (revision, direction, step))",
            self.steps_sql()
        )
    }

    /// Every row of the journal, each column cast to `text` (the database's text type), in
    /// [`JOURNAL_COLUMNS`]' order after the `lead` columns, in the order of the statements.
    pub(crate) fn journal_select(&self, lead: &str, text: &str) -> String {
        let columns: Vec<String> = JOURNAL_COLUMNS
            .iter()
            .map(|c| format!("CAST({c} AS {text})"))
            .collect();
        format!(
            "SELECT {lead}{} FROM {} ORDER BY revision, direction, step",
            columns.join(", "),
            self.steps_sql()
        )
    }

    /// Before a statement that cannot commit with its record: `started`, one attempt more.
    pub(crate) fn journal_started(
        &self,
        kind: Database,
        key: StepKey<'_>,
        hash: &str,
        who: &str,
    ) -> String {
        self.upsert(kind, key, hash, who, StepState::Started, None)
    }

    /// The statement took effect; in the statement's own transaction where it has one, so
    /// that the two commit together.
    pub(crate) fn journal_done(
        &self,
        kind: Database,
        key: StepKey<'_>,
        hash: &str,
        who: &str,
    ) -> String {
        self.upsert(kind, key, hash, who, StepState::Done, None)
    }

    /// The database refused the statement, with its message.
    pub(crate) fn journal_failed(
        &self,
        kind: Database,
        key: StepKey<'_>,
        hash: &str,
        who: &str,
        message: &str,
    ) -> String {
        self.upsert(kind, key, hash, who, StepState::Failed, Some(message))
    }

    /// A statement left `started` whose check found it took effect: done, saying how that
    /// was learnt, without counting an attempt.
    pub(crate) fn journal_checked(&self, kind: Database, key: StepKey<'_>, note: &str) -> String {
        format!(
            "UPDATE {} SET state = 'done', note = {}, finished_at = {} WHERE {}",
            self.steps_sql(),
            super::record::text_literal(kind, note),
            now(kind),
            key.condition()
        )
    }

    /// A repair's verdict on a statement: its state, tied to the statement's text as the file
    /// now has it, with who decided and why in its note. Counts no attempt.
    pub(crate) fn journal_repaired(
        &self,
        kind: Database,
        key: StepKey<'_>,
        hash: &str,
        state: StepState,
        note: &str,
    ) -> String {
        let now = now(kind);
        let table = self.steps_sql();
        let values = format!(
            "{}, {}, {}, {}, {}, 0, NULL, {}, {}, {now}, {now}",
            literal(key.revision),
            literal(key.direction.name()),
            key.step,
            literal(hash),
            literal(state.name()),
            super::record::text_literal(kind, note),
            literal("repair"),
        );
        let update = format!(
            "statement_hash = {}, state = {}, note = {}, finished_at = {now}",
            literal(hash),
            literal(state.name()),
            super::record::text_literal(kind, note)
        );
        let conflict = match kind {
            Database::Postgres | Database::Sqlite => {
                "ON CONFLICT (revision, direction, step) DO UPDATE SET"
            }
            Database::Mysql => "ON DUPLICATE KEY UPDATE",
        };
        format!(
            "INSERT INTO {table} ({}) VALUES ({values}) {conflict} {update}",
            JOURNAL_COLUMNS.join(", ")
        )
    }

    /// The audit of repairs: who changed the journal by hand, when, and why. Kept for good.
    pub(crate) fn create_audit(&self, kind: Database) -> String {
        let timestamp = match kind {
            Database::Postgres => "TIMESTAMPTZ",
            Database::Mysql => "TIMESTAMP(6)",
            Database::Sqlite => "TIMESTAMP",
        };
        format!(
            "CREATE TABLE IF NOT EXISTS {} (revision VARCHAR(32) NOT NULL, direction VARCHAR(9) NOT NULL, \
             step INTEGER, action VARCHAR(32) NOT NULL, reason TEXT NOT NULL, who VARCHAR(255) NOT NULL, \
             repaired_at {timestamp} NOT NULL)",
            crate::sql::quote_path(&self.audit)
        )
    }

    /// One repair's row in the audit.
    pub(crate) fn audit_row(
        &self,
        kind: Database,
        key: StepKey<'_>,
        step: Option<usize>,
        action: &str,
        reason: &str,
        who: &str,
    ) -> String {
        format!(
            "INSERT INTO {} (revision, direction, step, action, reason, who, repaired_at) \
             VALUES ({}, {}, {}, {}, {}, {}, {})",
            crate::sql::quote_path(&self.audit),
            literal(key.revision),
            literal(key.direction.name()),
            step.map_or_else(|| "NULL".to_string(), |s| s.to_string()),
            literal(action),
            super::record::text_literal(kind, reason),
            super::record::text_literal(kind, who),
            now(kind)
        )
    }

    /// With a migration's bookkeeping, once all of it is done: its rows go, so that applying
    /// it again later starts from its first statement.
    pub(crate) fn journal_clear(&self, revision: &str, direction: Direction) -> String {
        format!(
            "DELETE FROM {} WHERE revision = {} AND direction = {}",
            self.steps_sql(),
            literal(revision),
            literal(direction.name())
        )
    }

    fn upsert(
        &self,
        kind: Database,
        key: StepKey<'_>,
        hash: &str,
        who: &str,
        state: StepState,
        error: Option<&str>,
    ) -> String {
        let now = now(kind);
        let error = error.map_or_else(
            || "NULL".to_string(),
            |e| super::record::text_literal(kind, e),
        );
        let finished = match state {
            StepState::Started => "NULL".to_string(),
            StepState::Done | StepState::Failed => now.to_string(),
        };
        let columns = JOURNAL_COLUMNS.join(", ");
        let table = self.steps_sql();
        let values = format!(
            "{}, {}, {}, {}, {}, 1, {error}, NULL, {}, {now}, {finished}",
            literal(key.revision),
            literal(key.direction.name()),
            key.step,
            literal(hash),
            literal(state.name()),
            super::record::text_literal(kind, who)
        );
        // The existing row's columns: PostgreSQL needs them qualified (`excluded` is in scope
        // too), through the alias; SQLite and MySQL read them bare.
        let (alias, old, new) = match kind {
            Database::Postgres => (" AS j", "j.", "EXCLUDED."),
            Database::Sqlite => ("", "", "excluded."),
            Database::Mysql => ("", "", ""),
        };
        // A state that follows `started` in the same attempt keeps its count and start time;
        // any other write starts an attempt.
        let (attempt, started) = match state {
            StepState::Started => (
                format!("{old}attempt + 1"),
                proposed(kind, new, "started_at"),
            ),
            StepState::Done | StepState::Failed => (
                format!(
                    "CASE WHEN {old}state = 'started' THEN {old}attempt ELSE {old}attempt + 1 END"
                ),
                format!(
                    "CASE WHEN {old}state = 'started' THEN {old}started_at ELSE {} END",
                    proposed(kind, new, "started_at")
                ),
            ),
        };
        // MySQL evaluates the assignments left to right: the attempt and start time are read
        // before `state` changes, which is why they come first.
        let rest: Vec<String> = ["statement_hash", "state", "error", "who", "finished_at"]
            .iter()
            .map(|c| format!("{c} = {}", proposed(kind, new, c)))
            .collect();
        let conflict = match kind {
            Database::Postgres | Database::Sqlite => {
                "ON CONFLICT (revision, direction, step) DO UPDATE SET"
            }
            Database::Mysql => "ON DUPLICATE KEY UPDATE",
        };
        format!(
            "INSERT INTO {table}{alias} ({columns}) VALUES ({values}) {conflict} \
             attempt = {attempt}, started_at = {started}, note = NULL, {}",
            rest.join(", ")
        )
    }
}

/// The value a write proposed for `column`, in an upsert's update.
fn proposed(kind: Database, prefix: &str, column: &str) -> String {
    match kind {
        Database::Mysql => format!("VALUES({column})"),
        Database::Postgres | Database::Sqlite => format!("{prefix}{column}"),
    }
}

/// The database's clock for the journal's times.
fn now(kind: Database) -> &'static str {
    match kind {
        Database::Postgres => "clock_timestamp()",
        Database::Mysql => "UTC_TIMESTAMP(6)",
        Database::Sqlite => "CURRENT_TIMESTAMP",
    }
}

/// Who runs a journaled statement, as its row names them: this host and process.
pub(crate) fn who() -> String {
    format!("{} pid {}", super::lease::this_host(), std::process::id())
}
