//! A revision beyond the build (the database holds it, this build does not contain it) that
//! cannot be reverted from what the log recorded of it. Must not import the runner.

/// A revision beyond the build that cannot be reverted from what the log holds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BeyondError {
    /// The log recorded nothing of it.
    #[error(
        "the database holds revision {revision}, which this build does not contain, and the log recorded \
         no downgrade for it (it was applied before downgrades were stored, or by another tool); \
         revert it with a build that contains it"
    )]
    NoRecord {
        /// The revision.
        revision: String,
    },
    /// It has no downgrade for this database.
    #[error(
        "revision {revision}, which this build does not contain, was applied without a downgrade for this \
         database; revert it with a build that contains it"
    )]
    NoDowngrade {
        /// The revision.
        revision: String,
    },
    /// Its stored downgrade changed since it was recorded.
    #[error(
        "the stored downgrade of revision {revision} does not match the checksum recorded with it, so it \
         changed since; nothing was run: revert it with a build that contains it"
    )]
    Altered {
        /// The revision.
        revision: String,
    },
    /// The records name parents in a loop, or twice.
    #[error("the log's records of the revisions beyond this build do not form a graph: {0}")]
    Graph(String),
}
