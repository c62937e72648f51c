//! A migration that failed mid-way: which statement, what the database said, and what became
//! of the statements and migrations before it. Must not import the runner.

use aurora_migrate_core::hint::{Command, Hint};

/// A migration whose statement failed: everything before it stays applied.
#[derive(Debug)]
#[non_exhaustive]
pub struct StepFailure {
    /// The migration.
    pub revision: String,
    /// `upgrade` or `downgrade`.
    pub direction: aurora_migrate_core::Direction,
    /// Where its text came from: a file of the build, or the downgrade stored when it was
    /// applied (for a revision beyond the build).
    pub origin: Origin,
    /// The failing statement's line in the file (where the server placed the fault, if it
    /// did), or its number among a stored downgrade's statements.
    pub line: usize,
    /// The statement's first line.
    pub statement: String,
    /// The database's message.
    pub message: String,
    /// What became of the statements before the failing one.
    pub outcome: StepOutcome,
    /// Revisions this run applied (or reverted) before the failure: kept, or with
    /// [`StepOutcome::RunRolledBack`] undone with it.
    pub done_before: Vec<String>,
    /// When the statement waited out its lock timeouts: how often, and who held the lock.
    pub lock: Option<LockWaited>,
}

/// Where a migration's text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A file the build embedded, as `migrations/<name>`.
    File(String),
    /// The downgrade the log stored when the revision was applied: a revision beyond the
    /// build, whose file this build does not have.
    StoredDowngrade,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::File(path) => f.write_str(path),
            Origin::StoredDowngrade => f.write_str("its stored downgrade"),
        }
    }
}

/// A step that gave up waiting for a lock.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LockWaited {
    /// Its attempts, each with a longer lock timeout.
    pub attempts: u32,
    /// The sessions holding the lock, when the last attempt could see them.
    pub holder: Option<String>,
}

/// What a failed step left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    /// Its transaction rolled back (PostgreSQL, SQLite).
    RolledBack,
    /// `Transaction: none`: the statements before the failure stay, and the step journal
    /// records each, so that the next run continues at the one that failed.
    Journaled,
    /// MySQL: the statements before the failure stay, and a dirty mark records it.
    MarkedDirty,
    /// `--transaction all`: the whole run rolled back, with the migrations before this one.
    RunRolledBack,
}

impl StepFailure {
    /// What to do about the statements that stayed applied, when some did.
    pub fn hint(&self) -> Option<Hint> {
        match self.outcome {
            StepOutcome::MarkedDirty => {
                Some(Hint::command(Command::Check).then_text(" says how to resolve it"))
            }
            StepOutcome::Journaled => Some(
                Hint::text("fix the cause, then run ")
                    .then_command(Command::from(self.direction))
                    .then_text(" again: it continues at this statement"),
            ),
            StepOutcome::RolledBack | StepOutcome::RunRolledBack => None,
        }
    }

    /// `migrations/<file>:<line>`, or which statement of a stored downgrade.
    pub fn location(&self) -> String {
        match &self.origin {
            Origin::File(path) => format!("{path}:{}", self.line),
            Origin::StoredDowngrade => format!("{}, statement {}", self.origin, self.line),
        }
    }
}

impl std::fmt::Display for StepFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} failed at {}: {}\n  statement: {}\n  ",
            self.direction,
            self.revision,
            self.location(),
            self.message,
            self.statement
        )?;
        if let Some(lock) = &self.lock {
            write!(
                f,
                "it gave up waiting for a lock after {} attempt(s) with growing lock timeouts; the lock is held by {}\n  ",
                lock.attempts,
                lock.holder
                    .as_deref()
                    .unwrap_or("a session this database does not name")
            )?;
        }
        match self.outcome {
            StepOutcome::RolledBack => write!(f, "the migration was rolled back; ")?,
            StepOutcome::RunRolledBack => {}
            StepOutcome::Journaled => write!(
                f,
                "the migration runs outside a transaction: the statements before this one stay applied, \
                 and the step journal records them; "
            )?,
            StepOutcome::MarkedDirty => write!(
                f,
                "MySQL cannot roll DDL back: the statements before this one stay applied and the database is \
                 marked dirty at {}; ",
                self.revision
            )?,
        }
        match (self.outcome, self.done_before.as_slice()) {
            (StepOutcome::RunRolledBack, []) => write!(
                f,
                "the run's single transaction was rolled back: nothing was changed"
            ),
            (StepOutcome::RunRolledBack, undone) => write!(
                f,
                "the run's single transaction was rolled back, undoing {} too: nothing was changed",
                undone.join(", ")
            ),
            (_, []) => write!(f, "nothing else was changed"),
            (_, done) => write!(f, "done before it and kept: {}", done.join(", ")),
        }
    }
}

/// A statement a run left `started` whose effect no check can judge: a person must look.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{direction} of {revision} stopped during its statement {} of {count} at {location}, and whether that \
     statement took effect is unknown: {reason}\n  statement: {statement}",
    .step + 1
)]
#[non_exhaustive]
pub struct StepInDoubt {
    /// The migration.
    pub revision: String,
    /// Which way it was running.
    pub direction: aurora_migrate_core::Direction,
    /// The statement's index, from 0.
    pub step: usize,
    /// How many statements the migration has.
    pub count: usize,
    /// `migrations/<file>:<line>`.
    pub location: String,
    /// The statement's first line.
    pub statement: String,
    /// Why no check can tell.
    pub reason: String,
}
