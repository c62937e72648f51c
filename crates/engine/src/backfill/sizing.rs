//! The batch size, adapted toward a target time per batch: a batch that took too long makes
//! the next one smaller, a quick one makes it larger, at most doubling or halving at a time,
//! within bounds. A batch that timed out is halved. Pure: must not import a driver.

use std::time::Duration;

/// Batch sizes and the time one batch should take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizing {
    /// What one batch should take.
    pub target: Duration,
    /// The first batch's size.
    pub first: i64,
    /// The smallest batch.
    pub min: i64,
    /// The largest batch.
    pub max: i64,
}

impl Default for Sizing {
    fn default() -> Sizing {
        Sizing {
            target: Duration::from_millis(200),
            first: 1000,
            min: 10,
            max: 50_000,
        }
    }
}

impl Sizing {
    /// The next size after a batch of `size` keys took `took`.
    pub fn next(&self, size: i64, took: Duration) -> i64 {
        let took = took.as_secs_f64().max(0.000_1);
        let wanted = size as f64 * self.target.as_secs_f64() / took;
        let bounded = wanted.clamp(size as f64 / 2.0, size as f64 * 2.0);
        (bounded.round() as i64).clamp(self.min, self.max)
    }

    /// The size after a batch of `size` timed out.
    pub fn split(&self, size: i64) -> i64 {
        (size / 2).clamp(self.min, self.max)
    }
}
