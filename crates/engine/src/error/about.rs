//! What an error is called and what to do about it: its stable code for machines, the signal
//! that stopped the work, and its hint, whose commands and settings each program writes in its
//! own words. Must not import the runner or the drivers.

use super::{Error, LeaseError, ScratchError, SquashError, database_message};
use aurora_migrate_core::hint::{Command, Hint, Setting, Word};

impl Error {
    /// A stable name for the kind of error, for machines.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Url(_) => "url",
            Error::Target(_) | Error::Downgrade(_) => "target",
            Error::Migration(_) => "migration",
            Error::Author(_) => "authoring",
            Error::Beyond(_) => "not_revertible",
            Error::Offline(_) => "target",
            Error::Adopt(_) => "adopt",
            Error::Import(_) | Error::Render(_) => "import",
            Error::Lease(LeaseError::Lost { .. }) => "lease_lost",
            Error::Lease(LeaseError::Live { .. }) => "lease_live",
            Error::Lease(_) => "lease",
            Error::Repair(_) => "repair",
            Error::Backfill(super::BackfillError::Pending { .. }) => "backfill_pending",
            Error::Backfill(super::BackfillError::Unknown { .. }) => "backfill_unknown",
            Error::Backfill(super::BackfillError::Key { .. }) => "backfill_key",
            Error::Backfill(super::BackfillError::Failed { .. }) => "backfill_failed",
            Error::Backfill(_) => "backfill_state",
            Error::Baseline(_) => "baseline",
            Error::Scratch(ScratchError::Interrupted { .. }) => "interrupted",
            Error::Scratch(_) => "scratch",
            Error::Squash(SquashError::AlreadySquashed { .. }) => "already_squashed",
            Error::Squash(SquashError::MissingScratch { .. } | SquashError::TwoServers(_)) => {
                "scratch_missing"
            }
            Error::Squash(_) => "squash",
            Error::Connect { .. } | Error::NoDatabaseName => "connect",
            Error::Tls { .. } => "tls",
            Error::ConnectTimeout { .. } => "connect_timeout",
            Error::Unreachable { .. } => "unreachable",
            Error::DriverMissing(_) => "driver_missing",
            Error::LockTimeout { .. } | Error::DatabaseLocked { .. } | Error::DeadHolder { .. } => {
                "lock_timeout"
            }
            Error::Dirty { .. } => "dirty",
            Error::StepEdited { .. } => "step_edited",
            Error::StepUnknown(_) => "step_unknown",
            Error::Interrupted { .. } => "interrupted",
            Error::Database { .. } => "database",
            Error::Step(_) => "migration_failed",
            Error::Unconfirmed { stopped, .. } => stopped.code(),
            Error::ChecksumMismatch { .. } => "checksum_mismatch",
            Error::UnknownRevision(_) | Error::PartWayThroughSquash { .. } => "unknown_revision",
            Error::Inconsistent(_) => "inconsistent_version_table",
            Error::NotAtHeads { .. } => "not_at_heads",
            Error::VersionTable(_) => "version_table",
            Error::DataLoss { .. } | Error::StoredDowngradeUnconfirmed { .. } => {
                "confirmation_required"
            }
            Error::WholeRunOnMysql | Error::WholeRunWithoutTransaction { .. } => "transaction",
            Error::ScratchUnsupported(_) => "scratch",
            Error::FileLock { .. } => "file_lock",
            Error::Disk(_) => "write",
        }
    }

    /// The signal number, when SIGINT or SIGTERM (or the caller's interrupt) stopped the work.
    pub fn signal(&self) -> Option<u8> {
        match self {
            Error::Interrupted { signal, .. }
            | Error::Scratch(ScratchError::Interrupted { signal, .. }) => Some(*signal),
            Error::Unconfirmed { stopped, .. } => stopped.signal(),
            _ => None,
        }
    }

    /// Worth trying again while waiting for a database to start (`--wait`).
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            Error::Unreachable { .. } | Error::ConnectTimeout { .. }
        )
    }

    /// What to do about it, when there is something to do: commands and settings named by
    /// meaning, for the program that shows the error to write in its own words. The
    /// message ([`Display`](std::fmt::Display)) says what is wrong and names neither.
    pub fn hint(&self) -> Option<Hint> {
        let hint = match self {
            Error::Url(e) => return e.hint(),
            Error::Target(e) => return e.hint(),
            Error::Downgrade(e) => return e.hint(),
            Error::Author(e) => return e.hint(),
            Error::Offline(e) => return e.hint(),
            Error::Lease(e) => return e.hint(),
            Error::Repair(super::RepairError::NothingToRepair { .. }) => {
                Hint::command(Command::Current)
                    .then_text(" names the migrations that stand part-way")
            }
            Error::Repair(_) => return None,
            Error::Backfill(super::BackfillError::Pending { job, in_plan, .. }) => {
                let state = job.state;
                use crate::bookkeeping::JobState;
                match state {
                    _ if *in_plan => Hint::text("upgrade to ")
                        .then_run(Command::Upgrade, [job.revision.as_str()])
                        .then_text(" first and let its backfill finish, or run its batches in this upgrade with ")
                        .then_run(Command::Upgrade, [Setting::RunBackfills]),
                    JobState::Paused | JobState::Cancelled => Hint::text("resume it with ")
                        .then_run(Command::Backfill, ["resume", job.revision.as_str()]),
                    _ => Hint::text("let it finish, or run it now with ")
                        .then_run(Command::Backfill, ["run", job.revision.as_str()])
                        .then_text(", or run its batches first in this upgrade with ")
                        .then_run(Command::Upgrade, [Setting::RunBackfills]),
                }
            }
            Error::Backfill(super::BackfillError::Unknown { .. }) => {
                Hint::command(Command::Backfill).then_text(" status lists them")
            }
            Error::Backfill(super::BackfillError::Failed { revision, .. }) => {
                Hint::text("fix the cause; the next run continues after the last batch that committed: ")
                    .then_run(Command::Backfill, ["run", revision.as_str()])
            }
            Error::Backfill(_) => return None,
            Error::Baseline(e) => return e.hint(),
            Error::Scratch(e) => return e.hint(),
            Error::Step(failure) => return failure.hint(),
            Error::DeadHolder { .. } => {
                Hint::text("or break it now with ").then_run(Command::Lease, ["break"])
            }
            Error::StepEdited {
                revision,
                direction,
                ..
            } => Hint::text(
                "restore the file as it was when the statement ran; or, when the change leaves what ran as \
                 it was, record that with ",
            )
            .then_run(Command::Repair, repair_words("accept-edits", revision))
            .then_text("; or finish or undo the migration by hand and record where the database stands with ")
            // Finished by hand, an upgrade stands at its revision; a downgrade at what the
            // revision stands on, which may be several.
            .then_run(
                Command::Stamp,
                [match direction {
                    aurora_migrate_core::Direction::Upgrade => revision.as_str(),
                    aurora_migrate_core::Direction::Downgrade => "REV",
                }],
            ),
            Error::StepUnknown(doubt) => Hint::text(
                "look at the database: if the statement took effect, record that with ",
            )
            .then_run(Command::Repair, repair_words("mark-done", &doubt.revision))
            .then_text("; if it did not, with ")
            .then_run(Command::Repair, repair_words("mark-failed", &doubt.revision))
            .then_text(", and the next run runs it again"),
            Error::Dirty { direction, .. } => Hint::text(
                "either complete or undo it by hand and record the outcome with ",
            )
            .then_run(Command::Stamp, ["REV"])
            .then_text(
                " (which clears the mark), or undo what it did and run it again from its first statement with ",
            )
            .then_run(Command::from(*direction), [Setting::Force]),
            Error::Unconfirmed { stopped, .. } => {
                let current = Hint::text("check where the database stands with ")
                    .then_command(Command::Current);
                match stopped.hint() {
                    Some(hint) => hint.and(current),
                    None => current,
                }
            }
            Error::ChecksumMismatch { revision, .. } => Hint::text(
                "restore the file as it was applied, or, if the database already matches the new file, \
                 record the new checksum with ",
            )
            .then_run(Command::Stamp, [revision.as_str()]),
            Error::Inconsistent(_) => Hint::text("record where the database really is with ")
                .then_run(Command::Stamp, ["REV"])
                .then_text(" (")
                .then_run(Command::Stamp, [Word::from(Setting::Purge), Word::from("REV")])
                .then_text(" rewrites the table whole)"),
            Error::UnknownRevision(_) => Hint::text(
                "run the build that knows it, revert it from the downgrade the log stored with ",
            )
            .then_run(Command::Downgrade, ["heads"])
            .then_text(", or ")
            .then_run(Command::Stamp, [Word::from(Setting::Purge), Word::from("TARGET")])
            .then_text(" if the table is wrong"),
            Error::NotAtHeads { .. } => Hint::text("run ")
                .then_run(Command::Upgrade, ["heads"])
                .then_text(" first, or pass ")
                .then_setting(Setting::ScratchUrl)
                .then_text(" to build that schema in a throwaway database"),
            Error::DataLoss { .. } | Error::StoredDowngradeUnconfirmed { .. } => Hint::text("in ")
                .then_setting(Setting::Production)
                .then_text(" such a downgrade needs ")
                .then_setting(Setting::Yes)
                .then_text(" to confirm"),
            Error::WholeRunOnMysql | Error::WholeRunWithoutTransaction { .. } => {
                Hint::text("run without ").then_setting(Setting::TransactionAll)
            }
            _ => return None,
        };
        Some(hint)
    }

    pub(crate) fn database(context: impl Into<String>, source: sqlx::Error) -> Error {
        Error::Database {
            context: context.into(),
            message: database_message(&source),
            code: source
                .as_database_error()
                .and_then(|e| e.code())
                .map(|code| code.into_owned()),
            source,
        }
    }
}

/// `repair VERB REV --reason TEXT`, as a hint names it.
fn repair_words(verb: &str, revision: &str) -> Vec<Word> {
    vec![
        Word::from(verb),
        Word::from(revision),
        Word::Setting(Setting::Reason),
        Word::from("TEXT"),
    ]
}
