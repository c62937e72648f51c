//! Lock timeouts with retries, as GitLab's `with_lock_retries`: a migration's statements wait
//! for a lock only a short time; when that runs out, the migration rolls back (what cannot roll
//! back stays, and the retry continues from the statement that timed out), the runner pauses,
//! and tries again with a longer timeout, so that the sessions queued behind it never wait
//! longer than the current timeout. Must not import the drivers or autogenerate.

use std::time::Duration;

use aurora_migrate_core::source::LockTimeout;

/// The longest timeout an attempt gets, however many retries.
const LONGEST: Duration = Duration::from_secs(10);

/// How long a migration's statements wait for locks, and how often it is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockRetries {
    /// The first attempt's timeout; `None`: statements wait as long as it takes, once.
    pub first: Option<Duration>,
    /// Attempts after the first.
    pub retries: u32,
}

impl Default for LockRetries {
    /// 100 ms, doubled at each of 8 retries up to 10 s: about 32 s of waiting in all.
    fn default() -> LockRetries {
        LockRetries {
            first: Some(Duration::from_millis(100)),
            retries: 8,
        }
    }
}

impl LockRetries {
    /// Each attempt's timeout for a migration whose header says `setting`: the first doubled
    /// at each retry, up to 10 s; one attempt without a timeout when switched off. Each is
    /// rounded up to a whole `unit`, the finest timeout the database applies, so that what is
    /// said is what the server waits.
    pub fn schedule(&self, setting: LockTimeout, unit: Duration) -> Vec<Option<Duration>> {
        let first = match setting {
            LockTimeout::Off => None,
            LockTimeout::FirstMillis(ms) => Some(Duration::from_millis(ms)),
            LockTimeout::Runner => self.first,
        };
        let Some(first) = first else {
            return vec![None];
        };
        let first = round_up(first, unit);
        (0..=self.retries)
            .map(|attempt| {
                let doubled = first
                    .saturating_mul(1 << attempt.min(16))
                    .min(LONGEST.max(first));
                Some(round_up(doubled, unit))
            })
            .collect()
    }

    /// The pause before the next attempt: as long as the timeout that ran out, at most 2 s,
    /// so that the session holding the lock may finish.
    pub fn pause(after: Duration) -> Duration {
        after.min(Duration::from_secs(2))
    }
}

/// `duration` rounded up to a whole, nonzero number of `unit`s.
fn round_up(duration: Duration, unit: Duration) -> Duration {
    let unit = unit.as_nanos().max(1);
    let units = duration.as_nanos().div_ceil(unit).max(1);
    Duration::from_nanos(u64::try_from(units * unit).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests;
