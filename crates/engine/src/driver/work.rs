//! What the runner hands a driver to run one migration, and what comes back when it fails.
//! The part every driver reads is always there; each other part exists only in a build with a
//! database whose driver reads it, so that no driver is handed what it ignores. Must not
//! import the runner.

use std::time::Duration;

use crate::bookkeeping::{Elapsed, StepKey, Tables};
#[cfg(feature = "sqlite")]
use crate::interrupt::Interrupt;
use aurora_migrate_core::Statement;

/// One migration to run with its bookkeeping.
pub(crate) struct Work<'a> {
    pub statements: &'a [Statement],
    /// The bookkeeping statements, given how the elapsed time is known.
    pub bookkeeping: &'a dyn Fn(Elapsed) -> Vec<String>,
    /// How long each statement may wait for a lock; `None`: as long as it takes.
    pub lock_timeout: Option<Duration>,
    /// The last attempt: a lock timeout now fails the step, so find who holds the lock
    /// (PostgreSQL and MySQL can tell).
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    pub final_attempt: bool,
    /// Raised to stop: SQLite's progress handler stops the running statement on it (the
    /// runner cancels a PostgreSQL statement from outside instead).
    #[cfg(feature = "sqlite")]
    pub interrupt: Option<&'a Interrupt>,
    /// Where the step's DDL can roll back (PostgreSQL, SQLite).
    #[cfg(any(feature = "postgres", feature = "sqlite"))]
    pub transaction: StepTransaction,
    /// How the step's commit stands with the run's other commits (PostgreSQL).
    #[cfg(feature = "postgres")]
    pub commit: Commit,
    /// Where a step that runs statement by statement records each one (`Transaction: none`
    /// on PostgreSQL and SQLite, every migration on MySQL); `None` for a step in one
    /// transaction.
    pub journal: Option<Journaling<'a>>,
}

/// The step journal's rows for the statements of one [`Work`].
pub(crate) struct Journaling<'a> {
    pub tables: &'a Tables,
    pub revision: &'a str,
    pub direction: aurora_migrate_core::Direction,
    /// The index in the migration of `Work::statements[0]`: a resumed step starts part-way.
    pub first: usize,
    /// The host and process, as the rows name who ran them.
    pub who: &'a str,
    /// A retry after a lock timeout, of the same step in the same run: the step's clock
    /// keeps running (MySQL measures it in the session).
    #[cfg(feature = "mysql")]
    pub continued: bool,
}

impl Journaling<'_> {
    /// The key of the `index`th statement of the work.
    pub(crate) fn key(&self, index: usize) -> StepKey<'_> {
        StepKey {
            revision: self.revision,
            direction: self.direction,
            step: self.first + index,
        }
    }
}

/// The transaction a step runs in, on a database whose DDL rolls back with it.
#[cfg(any(feature = "postgres", feature = "sqlite"))]
pub(crate) struct StepTransaction {
    /// The step runs in a transaction of its own (not `Transaction: none`).
    pub transactional: bool,
    /// Runs inside the transaction that holds the whole run (`--transaction all`): the step
    /// neither begins nor commits, and a failure rolls the whole run back.
    pub enclosed: bool,
}

/// How a PostgreSQL step's commit stands with the others of its run.
#[cfg(feature = "postgres")]
pub(crate) struct Commit {
    /// The step's commit waits for its WAL to reach disk; `false` for a step that a later
    /// durable commit in the same run covers (`--durability run`).
    pub durable: bool,
    /// A statement at the head of the step's transaction that fails unless the step before
    /// it, sent in the same message, committed.
    pub guard: Option<String>,
}

/// Which statement of a [`Work`] failed, and why.
#[derive(Debug)]
pub(crate) struct Failure {
    /// Index into `Work::statements`; `None` when the bookkeeping failed.
    pub statement: Option<usize>,
    /// Lines into the statement where the server located the fault, if it did.
    pub line_offset: usize,
    pub message: String,
    /// The step stopped because the interrupt was raised, and was rolled back.
    pub interrupted: bool,
    /// A statement waited its whole lock timeout: the step may be tried again.
    pub lock_timeout: bool,
    /// Who held the lock, when the last attempt could tell.
    pub holder: Option<String>,
    /// How many attempts the step had (more than one after lock timeouts).
    pub attempts: u32,
    /// Nothing of the step stayed, though it does not run in one transaction: its first
    /// statement never got its lock (its journal rows were cleared).
    pub nothing_kept: bool,
}

impl Failure {
    pub(crate) fn new(statement: Option<usize>, message: String) -> Failure {
        Failure {
            statement,
            line_offset: 0,
            message,
            interrupted: false,
            lock_timeout: false,
            holder: None,
            attempts: 1,
            nothing_kept: false,
        }
    }
}

/// What the catalog says about a statement a run left `started`, its outcome unknown.
/// SQLite's checks never find a statement done (what it runs outside a transaction is run
/// again), which is why a build with SQLite alone leaves that unmade.
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StepCheck {
    /// It took effect, as the words say: it is marked done and does not run again.
    Done(String),
    /// It did not take effect, or running it again does no harm: it runs again.
    NotDone(String),
    /// Nothing known can tell: a person must look.
    Unknown(String),
}
