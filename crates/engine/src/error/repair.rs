//! Why a repair of the step journal cannot be made. Data only: must not import the runner.

/// Why a repair cannot be made: nothing is changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RepairError {
    /// The migration does not stand part-way.
    #[error("{revision} does not stand part-way: the step journal has nothing on it")]
    NothingToRepair {
        /// The migration.
        revision: String,
    },
    /// The journal has rows of both directions, and the repair names neither.
    #[error("both an upgrade and a downgrade of {revision} stand part-way: say which to repair")]
    BothDirections {
        /// The migration.
        revision: String,
    },
    /// A reason is required.
    #[error("a repair needs a reason, which the audit keeps")]
    NoReason,
    /// The journal records more statements than the file has.
    #[error(
        "the step journal of {revision} records statement {} but its file now has {count}: the file cannot be what ran",
        .step + 1
    )]
    FileTooShort {
        /// The migration.
        revision: String,
        /// The statement the journal records.
        step: usize,
        /// How many the file has.
        count: usize,
    },
    /// The journal changed between the preview and the repair: another run went on.
    #[error(
        "the step journal of {revision} changed since the repair was shown: nothing was changed; look again"
    )]
    Changed {
        /// The migration.
        revision: String,
    },
    /// The statement where the migration stands was done already (nothing to decide).
    #[error("{revision} has no statement left to decide: every one the journal records is done")]
    AllDone {
        /// The migration.
        revision: String,
    },
}
