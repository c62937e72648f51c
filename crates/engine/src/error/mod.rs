//! The engine's error: what went wrong, which revision, file or table, and what to do next.
//! A variant per refusal, carrying its data. A message says what is wrong and names no
//! command and no flag; what to do is its [`Hint`](Error::hint), commands and settings by
//! meaning, which each program writes in its own words.
//! Must not import the runner or the drivers.

mod about;
mod adopt;
mod backfill;
mod beyond;
mod lease;
mod offline;
mod render;
mod repair;
mod scratch;
mod step;

use std::time::Duration;

pub use adopt::{AdoptError, BaselineError, ImportError};
pub use backfill::BackfillError;
pub use beyond::BeyondError;
pub use lease::{LeaseError, LeaseHolder};
pub use offline::OfflineError;
pub use render::RenderError;
pub use repair::RepairError;
pub use scratch::{ScratchError, SquashError};
pub use step::{LockWaited, Origin, StepFailure, StepInDoubt, StepOutcome};

use crate::bookkeeping::Inconsistency;
use crate::catalog::MigrationError;
use crate::url::UrlError;
use aurora_migrate_core::authoring::AuthorError;
use aurora_migrate_core::revision::{DowngradeError, TargetError};
use aurora_migrate_core::{Database, Direction};

/// Everything the engine can refuse or fail at.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database URL.
    #[error(transparent)]
    Url(#[from] UrlError),
    /// A target that does not parse or resolve.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// A downgrade target that is not applied.
    #[error(transparent)]
    Downgrade(#[from] DowngradeError),
    /// A migration's statements could not be had.
    #[error(transparent)]
    Migration(#[from] MigrationError),
    /// A new revision refused before anything was written.
    #[error(transparent)]
    Author(#[from] AuthorError),
    /// A revision beyond the build that its stored record cannot revert.
    #[error(transparent)]
    Beyond(#[from] BeyondError),
    /// A range an offline script cannot be made for.
    #[error(transparent)]
    Offline(#[from] OfflineError),
    /// A database another tool migrated that cannot be adopted as it is.
    #[error(transparent)]
    Adopt(#[from] AdoptError),
    /// The lease lock refused or lost.
    #[error(transparent)]
    Lease(#[from] LeaseError),
    /// A repair of the step journal that cannot be made.
    #[error(transparent)]
    Repair(#[from] RepairError),
    /// A backfill refused or failed, or a revision waiting for one.
    #[error(transparent)]
    Backfill(#[from] BackfillError),
    /// Alembic scripts that cannot be imported.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// Alembic's offline mode that cannot be run for an import.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// A database that cannot be baselined.
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// A throwaway database interrupted or left behind.
    #[error(transparent)]
    Scratch(#[from] ScratchError),
    /// A squash refused before anything was written.
    #[error(transparent)]
    Squash(#[from] SquashError),
    /// The server refused the connection (authentication, unknown database, ...).
    #[error("cannot connect to {url}: {message}")]
    Connect {
        /// The URL, password masked.
        url: String,
        /// The server's or the driver's message.
        message: String,
    },
    /// The server did not answer in time.
    #[error("no answer from {url} within {} s; is the server running and reachable?", .timeout.as_secs())]
    ConnectTimeout {
        /// The URL, password masked.
        url: String,
        /// The time given.
        timeout: Duration,
    },
    /// TLS could not be set up.
    #[error(
        "cannot set up TLS with {url}: {message}; check sslmode/ssl-mode and the certificate settings (sslrootcert, ssl-ca)"
    )]
    Tls {
        /// The URL, password masked.
        url: String,
        /// Why.
        message: String,
    },
    /// No server answered (refused, unreachable, starting up).
    #[error("{url} is not answering: {message}")]
    Unreachable {
        /// The URL, password masked.
        url: String,
        /// Why.
        message: String,
    },
    /// This build has no driver for the URL's database.
    #[error(
        "this build has no {0} driver: enable the `{feature}` feature of aurora-migrate",
        feature = match .0 { Database::Postgres => "postgres", Database::Sqlite => "sqlite", Database::Mysql => "mysql" }
    )]
    DriverMissing(Database),
    /// A MySQL URL that names no database.
    #[error("the database URL names no database; add /name to it")]
    NoDatabaseName,
    /// Another runner held the lock longer than the lock timeout.
    #[error(
        "gave up after waiting {} for the migration lock on {table}, held by {holder}; \
         wait for that runner to finish, or stop it, then try again",
        humantime::format_duration(std::time::Duration::from_millis(.waited.as_millis() as u64 / 100 * 100))
    )]
    LockTimeout {
        /// The version table (or the SQLite file) the lock guards.
        table: String,
        /// How long the runner waited.
        waited: Duration,
        /// Who holds it.
        holder: String,
    },
    /// The lease's holder died on this host, and its lease has not expired yet.
    #[error(
        "gave up after waiting {} for the migration lease on {table}, held by {holder}; the next runner takes it \
         over once it expires",
        humantime::format_duration(std::time::Duration::from_millis(.waited.as_millis() as u64 / 100 * 100))
    )]
    DeadHolder {
        /// The version table the lease guards.
        table: String,
        /// How long the runner waited.
        waited: Duration,
        /// Who held it.
        holder: Box<LeaseHolder>,
    },
    /// Another program kept a SQLite write transaction open longer than the lock timeout.
    #[error(
        "gave up after waiting {} for the write lock on {path}, held by {holder}, which has a write transaction open; \
         let it finish, or stop it, then try again",
        humantime::format_duration(std::time::Duration::from_millis(.waited.as_millis() as u64 / 100 * 100))
    )]
    DatabaseLocked {
        /// The database file.
        path: String,
        /// How long the runner waited.
        waited: Duration,
        /// Who holds it.
        holder: String,
    },
    /// A migration that runs statement by statement stopped part-way, and one of the
    /// statements its journal records as run has changed in the file since.
    #[error(
        "{direction} of {revision} stopped part-way, and its statement {} at {location} has changed since it ran: \
         continuing would skip or repeat the wrong statements",
        .step + 1
    )]
    StepEdited {
        /// The migration.
        revision: String,
        /// Which way it was running.
        direction: Direction,
        /// The statement's index, from 0.
        step: usize,
        /// `migrations/<file>:<line>`, or past the migration's last statement.
        location: String,
    },
    /// A statement a run left `started`, whose effect no check can judge.
    #[error("{0}")]
    StepUnknown(Box<StepInDoubt>),
    /// A MySQL migration started and did not finish.
    #[error("{}", dirty_message(.revision, *.direction, .statement.as_deref(), .message.as_deref()))]
    Dirty {
        /// The migration.
        revision: String,
        /// Which way it was running.
        direction: Direction,
        /// The statement that failed, if one did.
        statement: Option<String>,
        /// The database's message for it.
        message: Option<String>,
    },
    /// SIGINT or SIGTERM (or the caller's interrupt) stopped the run.
    #[error("{}", interrupted_message(*.signal, .revision.as_deref(), .done))]
    Interrupted {
        /// The signal number (2 for SIGINT, 15 for SIGTERM).
        signal: u8,
        /// The migration that was interrupted and rolled back, if one was running.
        revision: Option<String>,
        /// The migrations applied before it and kept.
        done: Vec<String>,
    },
    /// A statement of the runner's own failed; `message` is the database's text alone (no
    /// driver prefix, no server source position), `code` its SQLSTATE where it has one, and
    /// `source` the driver's error itself, for the server's other fields (detail, hint,
    /// constraint, table...) through `as_database_error()`.
    #[error("{context}: {message}")]
    Database {
        /// What the runner was doing.
        context: String,
        /// The database's message.
        message: String,
        /// The SQLSTATE or the driver's code.
        code: Option<String>,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// A migration's statement failed.
    #[error("{0}")]
    Step(Box<StepFailure>),
    /// A run stopped after steps that committed without waiting for the disk, and the server
    /// could not confirm them durable.
    #[error(
        "{stopped}\nthe server did not confirm that the migration(s) committed before that ({}) are on disk \
         ({message}): their commits did not wait for the disk (durability per run), so a crash of the server \
         may yet undo them, each whole with its bookkeeping",
        .committed.join(", ")
    )]
    Unconfirmed {
        /// Why the run stopped.
        stopped: Box<Error>,
        /// The steps committed before it, which may not be durable.
        committed: Vec<String>,
        /// Why the flush failed.
        message: String,
    },
    /// An applied migration's file changed since.
    #[error(
        "revision {revision} ({file}) changed after it was applied: recorded checksum {recorded}, embedded {embedded}"
    )]
    ChecksumMismatch {
        /// The revision.
        revision: String,
        /// Its file.
        file: String,
        /// The checksum the log holds.
        recorded: String,
        /// The checksum of the file this build embeds.
        embedded: String,
    },
    /// The version table does not describe one place in the graph.
    #[error("{0}")]
    Inconsistent(Inconsistency),
    /// The database is at a revision this build does not contain.
    #[error(
        "the database is at revision {0}, which this build does not contain (a newer build may have migrated it)"
    )]
    UnknownRevision(String),
    /// The database is part way through revisions a squash replaced, whose files are gone.
    #[error(
        "the database is at revision {revision}, part way through the revisions squash {squash} replaced (up to \
         {last}), and this build no longer has their files: upgrade it past {last} with a build that still has them"
    )]
    PartWayThroughSquash {
        /// The database's row.
        revision: String,
        /// The squash.
        squash: String,
        /// The last revision it replaces.
        last: String,
    },
    /// Autogenerate compares the schema at the heads; the database is elsewhere.
    #[error(
        "the database is at {}, not at the heads; autogenerate compares the models with the schema at head",
        if .at.is_empty() { "base".to_string() } else { .at.join(", ") }
    )]
    NotAtHeads {
        /// The revisions the database is at (none: base).
        at: Vec<String>,
    },
    /// A version table name the database cannot hold.
    #[error(transparent)]
    VersionTable(#[from] crate::bookkeeping::NameError),
    /// A guarded run (production) that would run SQL the program does not carry: the
    /// downgrades the log stored for revisions beyond the build, shown whole.
    #[error("{}", stored_message(.stored))]
    StoredDowngradeUnconfirmed {
        /// Each revision and its stored statements, in the order they would run.
        stored: Vec<(String, Vec<String>)>,
    },
    /// A downgrade the data-loss guard refused.
    #[error("the downgrade would destroy data: {}; nothing was changed", .reasons.join("; "))]
    DataLoss {
        /// What the plan would destroy, statement by statement.
        reasons: Vec<String>,
    },
    /// One transaction for the whole run on a database whose DDL commits as it runs.
    #[error(
        "one transaction for the whole run needs a database that rolls DDL back (PostgreSQL or SQLite); \
         MySQL commits each DDL statement as it runs"
    )]
    WholeRunOnMysql,
    /// One transaction for the whole run around a migration that runs outside any.
    #[error(
        "revision {revision} ({file}) declares `Transaction: none`, so it cannot run inside \
         the run's single transaction"
    )]
    WholeRunWithoutTransaction {
        /// The migration.
        revision: String,
        /// Where its text came from.
        file: Origin,
    },
    /// No scratch database can be made on this database.
    #[error(
        "a scratch database on {0} needs its driver, which this build leaves out; pass the URL of a database this build has"
    )]
    ScratchUnsupported(Database),
    /// The SQLite file could not be locked.
    #[error("cannot lock {path}: {message}")]
    FileLock {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// A file could not be written; what was there before is unchanged.
    #[error(transparent)]
    Disk(#[from] crate::disk::DiskError),
}

/// The engine's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

fn dirty_message(
    revision: &str,
    direction: Direction,
    statement: Option<&str>,
    message: Option<&str>,
) -> String {
    let stopped = match (statement, message) {
        (Some(statement), Some(message)) => format!("stopped at `{statement}` with: {message}"),
        _ => "did not finish (the runner stopped during it)".to_string(),
    };
    format!(
        "the database is dirty at revision {revision}: its {direction} {stopped}. MySQL commits DDL as it runs, so part of \
         it may be applied"
    )
}

fn stored_message(stored: &[(String, Vec<String>)]) -> String {
    let mut text = String::from(
        "the downgrade would run SQL this program does not carry, read from the log a newer build wrote \
         (anyone who can write that table could have written it); read it before you confirm; nothing was changed:",
    );
    for (revision, statements) in stored {
        text.push_str(&format!("\n  {revision}, its stored downgrade:"));
        for statement in statements {
            for line in statement.lines() {
                text.push_str(&format!("\n    {line}"));
            }
            text.push(';');
        }
    }
    text
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

/// The database's message for a failed statement, without sqlx's prefixes: sqlx wraps a bad
/// connection setting in a configuration error inside another, and each would say "error with
/// configuration".
pub(crate) fn database_message(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => db.message().to_string(),
        sqlx::Error::Configuration(inner) => match inner.downcast_ref::<sqlx::Error>() {
            Some(nested) => database_message(nested),
            None => format!("invalid connection setting: {inner}"),
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;
