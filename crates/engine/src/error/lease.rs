//! What the lease lock refuses or loses. Must not import the runner or the drivers.

/// The lease lock's own failures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LeaseError {
    /// `--lock lease` on SQLite.
    #[error(
        "the lease lock is for PostgreSQL and MySQL servers; SQLite is locked through its database file, \
         which the operating system releases when a runner dies: leave out `--lock lease` for SQLite"
    )]
    Sqlite,
    /// The heartbeat found the lease taken over, or could not renew it for a whole lease.
    #[error(
        "the migration lease on {table} was lost (fencing token {token}): another runner may have taken it over; \
         the run stopped before its next migration, and each migration applied before it is kept with its \
         bookkeeping; run the command again to continue, with a longer `--lease` if the database was slow to answer"
    )]
    Lost {
        /// The version table the lease guards.
        table: String,
        /// The fencing token that was ours.
        token: i64,
    },
    /// The heartbeat task itself failed.
    #[error("the lease's heartbeat stopped: {0}")]
    Heartbeat(String),
}
