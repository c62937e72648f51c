//! Backfills: a revision's data change run in batches along an integer key, from the lowest
//! key to the highest that existed when it started, each batch's change committed with the
//! job's cursor; sized toward a target time, paused by throttles, run by one runner at a time
//! under a lease. Jobs as data for status and readiness. Must not import the runner.

mod jobs;
mod range;
mod settings;
mod sizing;
mod throttle;
mod walk;

pub(crate) use jobs::{jobs, set_state};
pub use settings::{Event, Settings};
pub use sizing::Sizing;
pub use throttle::{LagProbe, Pause};
pub(crate) use walk::walk;

pub use crate::bookkeeping::{Job, JobState};

#[cfg(test)]
mod tests;
