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
    #[error("cannot connect to {url}: {message}")]
    Connect { url: String, message: String },
    #[error("no answer from {url} within {} s; is the server running and reachable?", .timeout.as_secs())]
    ConnectTimeout { url: String, timeout: Duration },
    #[error("{url} is not answering: {message}")]
    Unreachable { url: String, message: String },
    #[error(
        "gave up after waiting {} for the migration lock on {table}, held by {holder}; \
         wait for that runner to finish, or stop it, then try again",
        humantime::format_duration(*.waited)
    )]
    LockTimeout {
        table: String,
        waited: Duration,
        holder: String,
    },
    #[error("{}", interrupted_message(*.signal, .revision.as_deref(), .done))]
    Interrupted {
        signal: u8,
        revision: Option<String>,
        done: Vec<String>,
    },
    #[error("{context}: {source}")]
    Database {
        context: String,
        #[source]
        source: sqlx::Error,
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
        "the database is at revision {0}, which this build does not contain (a newer build may have migrated it); \
         run the build that knows it, or `aurora-migrate stamp --purge TARGET` if the table is wrong"
    )]
    UnknownRevision(String),
    #[error(
        "invalid version table name `{0}`: use letters, digits and underscores, optionally `schema.table`"
    )]
    VersionTable(String),
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
    /// False for `Transaction: none`, where statements before the failing one stay applied.
    pub transactional: bool,
    /// Revisions this run applied (or reverted) before the failure.
    pub done_before: Vec<String>,
}

impl std::fmt::Display for StepFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} failed at {}:{}: {}\n  statement: {}\n  ",
            self.direction, self.revision, self.file, self.line, self.message, self.statement
        )?;
        if self.transactional {
            write!(f, "the migration was rolled back; ")?;
        } else {
            write!(
                f,
                "the migration runs outside a transaction, so the statements before this one stay applied: \
                 finish or undo them by hand, then record the revision with `aurora-migrate stamp`; "
            )?;
        }
        match self.done_before.as_slice() {
            [] => write!(f, "nothing else was changed"),
            done => write!(f, "done before it and kept: {}", done.join(", ")),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn interrupted_message(signal: u8, revision: Option<&str>, done: &[String]) -> String {
    let name = match signal {
        2 => "SIGINT",
        15 => "SIGTERM",
        _ => "an interrupt",
    };
    let what = match revision {
        Some(revision) => format!("{revision} was interrupted and rolled back"),
        None => "stopped between migrations".to_string(),
    };
    let kept = match done {
        [] => "nothing else was changed".to_string(),
        done => format!("applied before it and kept: {}", done.join(", ")),
    };
    format!("{name}: {what}; {kept}; the lock is released, run the command again to continue")
}

impl Error {
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
            source,
        }
    }
}
