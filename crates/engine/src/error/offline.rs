//! A range an offline script cannot be made for. Must not import the runner.

use aurora_migrate_core::Direction;
use aurora_migrate_core::hint::{Command, Hint, Setting, Word};

/// What `upgrade --sql` and `downgrade --sql` refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OfflineError {
    /// A target that counts from the revision the database is at.
    #[error(
        "`{target}` counts from the revision the database is at, which an offline script does not read; \
         name the revisions instead, as FROM:TO (e.g. 3f2a9c1b7d4e:head)"
    )]
    NeedsDatabase {
        /// The target as given.
        target: String,
    },
    /// A downgrade without the revision it starts from.
    #[error(
        "an offline downgrade needs FROM:TO (e.g. head:base, or heads:3f2a9c1b7d4e): the script does not read \
         where the database is"
    )]
    NoStart,
    /// A range written backwards: nothing to do in its direction, steps the other way.
    #[error(
        "an offline {direction} from {from} to {to} goes the other way: from {from}, {to} is reached by a {}",
        .direction.opposite()
    )]
    Backwards {
        /// The direction asked for.
        direction: Direction,
        /// The start as given.
        from: String,
        /// The end as given.
        to: String,
    },
    /// A start that is not a place in the graph.
    #[error(
        "`{target}` cannot start an offline script; start from base or from revisions (e.g. 3f2a9c1b7d4e:head)"
    )]
    BadStart {
        /// The start as given.
        target: String,
    },
    /// An upgrade to a revision that requires a backfill, which a script can neither run nor
    /// check.
    #[error(
        "an offline script cannot apply {revision}: it requires the backfill of {requires}, which a script \
         neither runs nor checks"
    )]
    RequiresBackfill {
        /// The revision.
        revision: String,
        /// The revision whose backfill it requires.
        requires: String,
    },
}

impl OfflineError {
    /// What to do about it, when there is something to do.
    pub fn hint(&self) -> Option<Hint> {
        match self {
            OfflineError::Backwards {
                direction,
                from,
                to,
                ..
            } => Some(
                Hint::text("write ")
                    .then_run(
                        Command::from(direction.opposite()),
                        [Word::from(Setting::Sql), Word::from(format!("{from}:{to}"))],
                    )
                    .then_text(" for that, or swap FROM and TO"),
            ),
            OfflineError::RequiresBackfill { revision, requires } => Some(
                Hint::text("write the script up to the revision before it, run ")
                    .then_run(Command::Backfill, ["run", requires.as_str()])
                    .then_text(format!(" on the database, then apply {revision} with "))
                    .then_command(Command::Upgrade),
            ),
            _ => None,
        }
    }
}
