//! The crate's error: what went wrong, which revision or file, and what to do next.

use std::time::Duration;

use crate::migration::MigrationError;
use crate::revision::TargetError;
use crate::revision::plan::DowngradeError;
use crate::url::UrlError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Url(#[from] UrlError),
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error(transparent)]
    Downgrade(#[from] DowngradeError),
    #[error(transparent)]
    Migration(#[from] MigrationError),
    #[error(transparent)]
    Author(#[from] crate::migration::author::AuthorError),
    #[error("cannot connect to {url}: {message}")]
    Connect { url: String, message: String },
    #[error("no answer from {url} within {} s; is the server running and reachable?", .timeout.as_secs())]
    ConnectTimeout { url: String, timeout: Duration },
    #[error(
        "cannot set up TLS with {url}: {message}; check sslmode/ssl-mode and the certificate settings (sslrootcert, ssl-ca)"
    )]
    Tls { url: String, message: String },
    #[error("{url} is not answering: {message}")]
    Unreachable { url: String, message: String },
    #[error(
        "gave up after waiting {} for the migration lock on {table}, held by {holder}; \
         wait for that runner to finish, or stop it, then try again",
        humantime::format_duration(std::time::Duration::from_millis(.waited.as_millis() as u64 / 100 * 100))
    )]
    LockTimeout {
        table: String,
        waited: Duration,
        holder: String,
    },
    #[error(
        "gave up after waiting {} for the write lock on {path}, held by {holder}, which has a write transaction open; \
         let it finish, or stop it, then try again",
        humantime::format_duration(std::time::Duration::from_millis(.waited.as_millis() as u64 / 100 * 100))
    )]
    DatabaseLocked {
        path: String,
        waited: Duration,
        holder: String,
    },
    #[error("{}", dirty_message(.revision, .direction, .statement.as_deref(), .message.as_deref()))]
    Dirty {
        revision: String,
        direction: String,
        statement: Option<String>,
        message: Option<String>,
    },
    #[error("{}", interrupted_message(*.signal, .revision.as_deref(), .done))]
    Interrupted {
        signal: u8,
        revision: Option<String>,
        done: Vec<String>,
    },
    /// A statement of the runner's own failed; `message` is the database's text alone (no
    /// driver prefix, no server source position), `code` its SQLSTATE where it has one.
    #[error("{context}: {message}")]
    Database {
        context: String,
        message: String,
        code: Option<String>,
    },
    #[error("{0}")]
    Step(Box<StepFailure>),
    #[error(
        "revision {revision} ({file}) changed after it was applied: recorded checksum {recorded}, embedded {embedded}; \
         restore the file as it was applied, or, if the database already matches the new file, \
         record the new checksum with `aurora-migrate stamp {revision}`"
    )]
    ChecksumMismatch {
        revision: String,
        file: String,
        recorded: String,
        embedded: String,
    },
    #[error(
        "{0}; record where the database really is with `aurora-migrate stamp REV` (`stamp --purge REV` rewrites the table whole)"
    )]
    Inconsistent(crate::runner::state::Inconsistency),
    #[error(
        "the database is at revision {0}, which this build does not contain (a newer build may have migrated it); \
         run the build that knows it, or `aurora-migrate stamp --purge TARGET` if the table is wrong"
    )]
    UnknownRevision(String),
    #[error(
        "invalid version table name `{0}`: use letters, digits and underscores, optionally `schema.table`"
    )]
    VersionTable(String),
    #[error("the downgrade would destroy data: {}; nothing was changed", .reasons.join("; "))]
    DataLoss { reasons: Vec<String> },
    #[error(
        "invalid version table name `{name}`: SQLite has no schemas; use a plain table name (or main.TABLE)"
    )]
    VersionTableSchema { name: String },
    #[error(
        "the version table name `{name}` is too long: its table `{derived}` would have {length} characters, over the database's limit of {limit}; use a name of at most {longest_allowed} characters"
    )]
    VersionTableTooLong {
        name: String,
        derived: String,
        length: usize,
        limit: usize,
        longest_allowed: usize,
    },
    #[error("cannot lock {path}: {message}")]
    FileLock { path: String, message: String },
    #[error("cannot write {path}: {message}")]
    Write { path: String, message: String },
    #[error("{0}")]
    Refused(String),
}

/// A migration whose statement failed: everything before it stays applied.
#[derive(Debug)]
pub struct StepFailure {
    pub revision: String,
    pub direction: &'static str,
    pub file: String,
    pub line: usize,
    pub statement: String,
    pub message: String,
    /// What became of the statements before the failing one.
    pub outcome: StepOutcome,
    /// Revisions this run applied (or reverted) before the failure: kept, or with
    /// [`StepOutcome::RunRolledBack`] undone with it.
    pub done_before: Vec<String>,
}

/// What a failed step left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    /// Its transaction rolled back (PostgreSQL, SQLite).
    RolledBack,
    /// `Transaction: none`: the statements before the failure stay.
    Kept,
    /// MySQL: the statements before the failure stay, and a dirty mark records it.
    MarkedDirty,
    /// `--transaction all`: the whole run rolled back, with the migrations before this one.
    RunRolledBack,
}

impl std::fmt::Display for StepFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} failed at {}:{}: {}\n  statement: {}\n  ",
            self.direction, self.revision, self.file, self.line, self.message, self.statement
        )?;
        match self.outcome {
            StepOutcome::RolledBack => write!(f, "the migration was rolled back; ")?,
            StepOutcome::RunRolledBack => {}
            StepOutcome::Kept => write!(
                f,
                "the migration runs outside a transaction, so the statements before this one stay applied: \
                 finish or undo them by hand, then record the revision with `aurora-migrate stamp`; "
            )?,
            StepOutcome::MarkedDirty => write!(
                f,
                "MySQL cannot roll DDL back: the statements before this one stay applied and the database is \
                 marked dirty at {}; `aurora-migrate check` says how to resolve it; ",
                self.revision
            )?,
        }
        match (self.outcome, self.done_before.as_slice()) {
            (StepOutcome::RunRolledBack, []) => write!(
                f,
                "the run's single transaction (--transaction all) was rolled back: nothing was changed"
            ),
            (StepOutcome::RunRolledBack, undone) => write!(
                f,
                "the run's single transaction (--transaction all) was rolled back, undoing {} too: nothing was changed",
                undone.join(", ")
            ),
            (_, []) => write!(f, "nothing else was changed"),
            (_, done) => write!(f, "done before it and kept: {}", done.join(", ")),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn dirty_message(
    revision: &str,
    direction: &str,
    statement: Option<&str>,
    message: Option<&str>,
) -> String {
    let stopped = match (statement, message) {
        (Some(statement), Some(message)) => format!("stopped at `{statement}` with: {message}"),
        _ => "did not finish (the runner stopped during it)".to_string(),
    };
    format!(
        "the database is dirty at revision {revision}: its {direction} {stopped}. MySQL commits DDL as it runs, so part of \
         it may be applied. Either complete or undo it by hand and record the outcome with `aurora-migrate stamp REV` \
         (which clears the mark), or undo what it did and run it again from its first statement with \
         `aurora-migrate {direction} --force`"
    )
}

fn interrupted_message(signal: u8, revision: Option<&str>, done: &[String]) -> String {
    let name = match signal {
        2 => "SIGINT",
        15 => "SIGTERM",
        _ => "an interrupt",
    };
    let what = match (revision, done) {
        (Some(revision), _) => format!("{revision} was interrupted and rolled back"),
        (None, []) => "stopped before any migration ran".to_string(),
        (None, _) => "stopped between migrations".to_string(),
    };
    let kept = match done {
        [] if revision.is_none() => "nothing was changed".to_string(),
        [] => "nothing else was changed".to_string(),
        done => format!("applied before it and kept: {}", done.join(", ")),
    };
    format!("{name}: {what}; {kept}; the lock is released, run the command again to continue")
}

impl Error {
    /// A stable name for the kind of error, for machines (`--format json`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Url(_) => "url",
            Error::Target(_) | Error::Downgrade(_) => "target",
            Error::Migration(_) => "migration",
            Error::Author(_) => "authoring",
            Error::Connect { .. } => "connect",
            Error::Tls { .. } => "tls",
            Error::ConnectTimeout { .. } => "connect_timeout",
            Error::Unreachable { .. } => "unreachable",
            Error::LockTimeout { .. } | Error::DatabaseLocked { .. } => "lock_timeout",
            Error::Dirty { .. } => "dirty",
            Error::Interrupted { .. } => "interrupted",
            Error::Database { .. } => "database",
            Error::Step(_) => "migration_failed",
            Error::ChecksumMismatch { .. } => "checksum_mismatch",
            Error::UnknownRevision(_) => "unknown_revision",
            Error::Inconsistent(_) => "inconsistent_version_table",
            Error::VersionTable(_)
            | Error::VersionTableSchema { .. }
            | Error::VersionTableTooLong { .. } => "version_table",
            Error::DataLoss { .. } => "confirmation_required",
            Error::FileLock { .. } => "file_lock",
            Error::Write { .. } => "write",
            Error::Refused(_) => "refused",
        }
    }

    /// Worth trying again while waiting for a database to start (`--wait`).
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            Error::Unreachable { .. } | Error::ConnectTimeout { .. }
        )
    }

    pub(crate) fn database(context: impl Into<String>, source: sqlx::Error) -> Error {
        Error::Database {
            context: context.into(),
            message: crate::dialect::database_message(&source),
            code: source
                .as_database_error()
                .and_then(|e| e.code())
                .map(|code| code.into_owned()),
        }
    }
}
