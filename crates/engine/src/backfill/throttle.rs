//! What pauses a backfill between batches: an operator's pause flag, replication lag over its
//! limit (PostgreSQL's `replay_lag`, or what a probe the service gives reports, such as a
//! MySQL replica's lag), and on SQLite other writers kept waiting. Must not import a driver.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Reads the replication lag the job must stay under; `None` when it cannot tell.
pub type LagProbe = Arc<dyn Fn() -> Option<Duration> + Send + Sync>;

/// Why a job paused between batches.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pause {
    /// An operator paused it (`backfill pause`), with their reason.
    Flag(Option<String>),
    /// Replication lag is over the limit.
    Lag {
        /// The lag measured.
        lag: Duration,
        /// The limit.
        limit: Duration,
        /// Where it was measured: `replay_lag`, or the service's probe.
        source: &'static str,
    },
    /// On SQLite, the batch waited this long for other writers: it lets them through.
    Writers(Duration),
}

impl fmt::Display for Pause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pause::Flag(Some(reason)) => write!(f, "paused by an operator: {reason}"),
            Pause::Flag(None) => write!(f, "paused by an operator"),
            Pause::Lag { lag, limit, source } => write!(
                f,
                "replication lag {} ms ({source}) is over {} ms",
                lag.as_millis(),
                limit.as_millis()
            ),
            Pause::Writers(waited) => write!(
                f,
                "other writers held the database {} ms; letting them through",
                waited.as_millis()
            ),
        }
    }
}

/// The lag the throttle judges: the probe's, else what the database reports.
pub(super) fn lag_over(
    measured: Option<Duration>,
    probe: Option<&LagProbe>,
    limit: Duration,
) -> Option<Pause> {
    let (lag, source) = match probe.and_then(|p| p()) {
        Some(lag) => (lag, "probe"),
        None => (measured?, "replay_lag"),
    };
    (lag > limit).then_some(Pause::Lag { lag, limit, source })
}
