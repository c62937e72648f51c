//! Waiting for a lock another session holds: growing pauses, one announcement, and the time
//! limit. Must not import a driver.

use std::time::Duration;

/// Waiting for another runner's lock: growing pauses, one announcement, and the time limit.
pub(crate) struct LockWait {
    started: std::time::Instant,
    pause: Duration,
    longest: Duration,
    timeout: Option<Duration>,
    announced: bool,
}

impl LockWait {
    pub(crate) fn new(first: Duration, longest: Duration, timeout: Option<Duration>) -> LockWait {
        LockWait {
            started: std::time::Instant::now(),
            pause: first,
            longest,
            timeout,
            announced: false,
        }
    }

    /// How long the wait has lasted.
    #[cfg(feature = "sqlite")]
    pub(crate) fn waited(&self) -> Duration {
        self.started.elapsed()
    }

    /// Sleeps before the next try, saying once who holds what (`what`); `Err(waited)` once
    /// the time limit is reached.
    pub(crate) async fn pause(&mut self, what: &str) -> std::result::Result<(), Duration> {
        let waited = self.started.elapsed();
        if self.timeout.is_some_and(|limit| waited >= limit) {
            return Err(waited);
        }
        if !self.announced {
            tracing::info!("{what}; waiting");
            self.announced = true;
        }
        let left = self
            .timeout
            .map_or(self.pause, |limit| limit.saturating_sub(waited));
        tokio::time::sleep(self.pause.min(left)).await;
        self.pause = (self.pause * 2).min(self.longest);
        Ok(())
    }
}
