//! What stops a backfill, or the revision that waits for one. Must not import the runner or
//! the drivers.

use crate::bookkeeping::Job;

/// A backfill refused or failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackfillError {
    /// A revision requires a backfill that is not done.
    #[error(
        "{revision} requires the backfill of {}, which is {}",
        .job.revision,
        .job.summary()
    )]
    Pending {
        /// The revision that waits.
        revision: String,
        /// Where the backfill stands.
        job: Box<Job>,
        /// Its revision is applied by the same upgrade, before the one that requires it.
        in_plan: bool,
    },
    /// No applied revision declares a backfill by that name.
    #[error("no applied revision has a backfill `{revision}`; the backfills are: {}", list(.known))]
    Unknown {
        /// The name asked for.
        revision: String,
        /// The jobs there are.
        known: Vec<String>,
    },
    /// The table's key does not hold integers, or the key's range cannot be read.
    #[error("the backfill of {revision} cannot walk {table}.{key}: {message}")]
    Key {
        /// The revision.
        revision: String,
        /// Its table.
        table: String,
        /// Its key column.
        key: String,
        /// The database's message.
        message: String,
    },
    /// A batch failed, and its retries too: nothing of that batch stayed.
    #[error(
        "the backfill of {revision} stopped at key {cursor} after {attempts} attempt(s): {message}"
    )]
    Failed {
        /// The revision.
        revision: String,
        /// The last key whose batch committed.
        cursor: i64,
        /// Attempts of the batch that failed.
        attempts: u32,
        /// The database's message.
        message: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The job cannot move to the state asked (resume a done job, pause a cancelled one).
    #[error("the backfill of {revision} is {state}: it cannot be {wanted}")]
    State {
        /// The revision.
        revision: String,
        /// Its state.
        state: &'static str,
        /// The change asked for.
        wanted: &'static str,
    },
}

fn list(known: &[String]) -> String {
    match known.is_empty() {
        true => "none".to_string(),
        false => known.join(", "),
    }
}
