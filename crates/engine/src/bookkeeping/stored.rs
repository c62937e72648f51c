//! What the bookkeeping tables hold once read, and the ways the version table can disagree
//! with the graph. Data only: must not import the drivers.

/// What the bookkeeping tables hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stored {
    /// The version table's rows: one per current head.
    pub rows: Vec<String>,
    /// The log's entries.
    pub log: Vec<LogEntry>,
    /// Every bookkeeping table of this database exists.
    pub tables_exist: bool,
    /// Migrations that started and did not finish (MySQL, whose DDL cannot roll back).
    pub dirty: Vec<DirtyMark>,
    /// The step journal's rows: statements of migrations that did not finish.
    pub journal: Vec<super::JournalEntry>,
    /// The step journal's table exists.
    pub journal_exists: bool,
    /// The log's columns when it lacks some of [`RECORD_COLUMNS`](super::RECORD_COLUMNS) (a log
    /// an older build created); `None` when it has them all or does not exist.
    pub outdated_log: Option<Vec<String>>,
}

/// A migration recorded as in progress that never finished.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DirtyMark {
    /// The revision.
    pub revision: String,
    /// Which way it was running.
    pub direction: aurora_migrate_core::Direction,
    /// The statement that failed; `None` when the runner died during the migration.
    pub failed_statement: Option<String>,
    /// The database's message for it.
    pub message: Option<String>,
}

/// One applied revision as the log recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogEntry {
    /// The revision.
    pub revision: String,
    /// The checksum of its file when it was applied.
    pub checksum: String,
    /// When, as the database wrote it.
    pub applied_at: String,
    /// `None` for a revision that was stamped, not run.
    pub execution_ms: Option<i64>,
    /// What the log keeps of the revision itself; `None` for an entry written before records
    /// were kept.
    pub record: Option<StoredRecord>,
}

/// A log entry's record of its revision, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredRecord {
    /// Its message.
    pub message: String,
    /// The revisions it revises.
    pub parents: Vec<String>,
    /// What it promised the code that ran before it.
    pub compatibility: aurora_migrate_core::Compatibility,
    /// False for `Transaction: none`.
    pub transactional: bool,
    /// Its downgrade on this database, as stored; `None` when it had none.
    pub downgrade: Option<String>,
    /// The checksum stored with the downgrade.
    pub downgrade_checksum: Option<String>,
}

impl StoredRecord {
    /// Reads the record columns, as text, in the order of
    /// [`RECORD_COLUMNS`](super::RECORD_COLUMNS); `None` when the entry has no record
    /// (its `parents` is NULL).
    pub(crate) fn from_columns(columns: [Option<String>; 6]) -> Option<StoredRecord> {
        let [
            message,
            parents,
            compatibility,
            transactional,
            downgrade,
            downgrade_checksum,
        ] = columns;
        let parents = parents?;
        Some(StoredRecord {
            message: message.unwrap_or_default(),
            parents: parents
                .split(',')
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect(),
            compatibility: compatibility
                .as_deref()
                .and_then(aurora_migrate_core::Compatibility::from_name)
                .unwrap_or_default(),
            transactional: transactional.as_deref() != Some("0"),
            downgrade,
            downgrade_checksum,
        })
    }
}

/// A version table that does not describe one place in the graph.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Inconsistency {
    /// A row twice.
    #[error("the version table holds {0} more than once")]
    Duplicate(String),
    /// A revision beside its own descendant.
    #[error(
        "the version table holds {ancestor} beside its descendant {descendant}, but it keeps one row per head"
    )]
    Stacked {
        /// The older revision.
        ancestor: String,
        /// The revision built on it.
        descendant: String,
    },
    /// An empty version table beside a log of applied revisions.
    #[error(
        "the version table is missing or empty, but the log records {} applied revision(s) ({})",
        .0.len(),
        .0.join(", ")
    )]
    LogWithoutVersion(Vec<String>),
}
