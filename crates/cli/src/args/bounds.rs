//! The bounds of the duration and number settings, for their flags (clap's value parsers, so a
//! value out of range is a usage error before anything connects) and for the environment
//! variables that stand for them. Must not import a command.

use std::time::Duration;

/// A duration setting and the range it may take.
pub(crate) struct Span {
    pub shortest: Duration,
    pub longest: Duration,
    /// Why there is an upper bound, said after the range.
    pub why: &'static str,
}

const DAY: Duration = Duration::from_secs(24 * 3600);

/// The longest first lock timeout, as a migration's `Lock Timeout` header also has it.
const LONGEST_LOCK_TIMEOUT: Duration =
    Duration::from_millis(aurora_migrate::migrations::source::LockTimeout::LONGEST_MILLIS);

/// `--wait`, `AURORA_WAIT`.
pub(crate) const WAIT: Span = Span {
    shortest: Duration::ZERO,
    longest: DAY,
    why: "a server that has not answered for a day will not",
};

/// `--lock-timeout`, `AURORA_LOCK_TIMEOUT`.
pub(crate) const LOCK_TIMEOUT: Span = Span {
    shortest: Duration::ZERO,
    longest: DAY,
    why: "a runner that has held the lock for a day is stuck: find it instead",
};

/// `--statement-lock-timeout` (besides `none`).
pub(crate) const STATEMENT_LOCK_TIMEOUT: Span = Span {
    shortest: Duration::from_millis(1),
    longest: LONGEST_LOCK_TIMEOUT,
    why: "a statement waiting longer holds up every query queued behind it; `none` waits as long as it takes",
};

/// `--connect-timeout`, in seconds.
pub(crate) const CONNECT_TIMEOUT_SECONDS: std::ops::RangeInclusive<u64> = 1..=3600;

/// `--lock-retries`: 100 retries already wait about 20 minutes for one migration.
pub(crate) const LOCK_RETRIES: std::ops::RangeInclusive<i64> = 0..=100;

impl Span {
    /// `text` as a duration in this span, or what is wrong with it.
    pub(crate) fn parse(&self, text: &str) -> Result<Duration, String> {
        let duration = humantime::parse_duration(text.trim())
            .map_err(|e| format!("not a duration ({e}); write e.g. 30s or 5m"))?;
        self.check(duration)
    }

    /// `duration` if it is in this span, or what is wrong with it.
    pub(crate) fn check(&self, duration: Duration) -> Result<Duration, String> {
        if duration < self.shortest || duration > self.longest {
            return Err(format!(
                "{} is out of range: give {} to {} ({})",
                humantime::format_duration(duration),
                humantime::format_duration(self.shortest),
                humantime::format_duration(self.longest),
                self.why
            ));
        }
        Ok(duration)
    }
}

/// clap's value parser for `--wait`.
pub(crate) fn wait(text: &str) -> Result<Duration, String> {
    WAIT.parse(text)
}

/// clap's value parser for `--lock-timeout`.
pub(crate) fn lock_timeout(text: &str) -> Result<Duration, String> {
    LOCK_TIMEOUT.parse(text)
}

#[cfg(test)]
mod tests;
