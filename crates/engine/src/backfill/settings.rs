//! How backfill jobs run (lease, sizes, timeouts, throttles) and what a running job reports.
//! Data only: must not import a driver.

use std::time::Duration;

use super::sizing::Sizing;
use super::throttle::{LagProbe, Pause};
use crate::bookkeeping::Job;
use crate::interrupt::Interrupt;

/// How jobs run.
#[derive(Clone)]
#[non_exhaustive]
pub struct Settings {
    /// Who runs them, as the lease names its holder: this host and process, and a run of its
    /// own, so that two runners in one process still exclude each other.
    pub owner: String,
    /// How long a lease lasts without a batch renewing it.
    pub lease: Duration,
    /// Sizes and target time; `None`: the declaration's target with the default sizes.
    pub sizing: Option<Sizing>,
    /// Each attempt's lock timeout for a batch: the runner's schedule.
    pub lock_timeouts: Vec<Duration>,
    /// A batch's statement timeout; `None`: ten times the target, at least one second.
    pub statement_timeout: Option<Duration>,
    /// Replication lag over this pauses the job.
    pub max_lag: Duration,
    /// The lag, as the service measures it (a MySQL replica's, say); `None`: the database's
    /// own report where it has one (PostgreSQL's `replay_lag`).
    pub lag_probe: Option<LagProbe>,
    /// How often a waiting job looks again (paused, throttled, or leased elsewhere).
    pub poll: Duration,
    /// On SQLite, a batch that waited longer than this for other writers lets them through.
    pub writers_wait: Duration,
    /// Stop when it is raised, after the batch in progress.
    pub interrupt: Option<Interrupt>,
    /// A job found paused ends the run (a command, an upgrade), instead of waiting to be
    /// resumed (a service's background task).
    pub stop_when_paused: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            owner: format!(
                "{} run {}",
                crate::bookkeeping::who(),
                &uuid::Uuid::new_v4().simple().to_string()[..8]
            ),
            lease: Duration::from_secs(30),
            sizing: None,
            // The runner's default schedule: 100 ms, doubled at each of 8 retries up to 10 s.
            lock_timeouts: [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]
                .map(Duration::from_millis)
                .to_vec(),
            statement_timeout: None,
            max_lag: Duration::from_secs(10),
            lag_probe: None,
            poll: Duration::from_secs(1),
            writers_wait: Duration::from_millis(50),
            interrupt: None,
            stop_when_paused: false,
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("owner", &self.owner)
            .field("lease", &self.lease)
            .field("sizing", &self.sizing)
            .field("max_lag", &self.max_lag)
            .finish_non_exhaustive()
    }
}

/// What a running job reports.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Event<'a> {
    /// Its range was taken.
    Started(&'a Job),
    /// A batch committed.
    Batch {
        /// The job after it.
        job: &'a Job,
        /// What the batch took.
        took: Duration,
    },
    /// It waits between batches, and why.
    Paused {
        /// The revision.
        revision: &'a str,
        /// Why.
        pause: &'a Pause,
    },
    /// It goes on after a pause.
    Resumed {
        /// The revision.
        revision: &'a str,
    },
    /// Another runner holds its lease: this one waits for it to finish or to let go.
    Waiting {
        /// The revision.
        revision: &'a str,
        /// The lease's holder.
        owner: &'a str,
    },
    /// A batch timed out or failed and is tried again, with this size.
    Retry {
        /// The revision.
        revision: &'a str,
        /// The database's message.
        error: &'a str,
        /// The next attempt's size.
        size: i64,
    },
    /// It ended: done, or stopped by an operator.
    Finished(&'a Job),
}
