//! The document of a command run with `--targets` on a fleet of databases. Must not import a
//! command.

use schemars::JsonSchema;
use serde::Serialize;

/// A command run on each database of a fleet.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Fleet {
    /// The command run on each (`upgrade`, `status`, `adopt refinery`, ...).
    pub command: String,
    /// Each database, in the order they finished.
    pub targets: Vec<FleetTarget>,
    /// The counts.
    pub summary: FleetSummary,
}

/// One database of the fleet.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct FleetTarget {
    /// Its name in the fleet's list.
    pub name: String,
    /// How its run ended.
    pub outcome: FleetOutcome,
    /// How many revisions the run applied, reverted or recorded, and kept.
    pub changed: usize,
    /// The version table's rows afterwards; `null` where they were not read.
    pub current: Option<Vec<String>>,
    /// Where the database stands (`at_heads`, `behind`, ...); `null` where it was not read.
    pub state: Option<String>,
    /// How long its run took, in milliseconds.
    pub elapsed_ms: u64,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// Its backfills not done (`status`); `null` where they were not read.
    pub backfills: Option<Vec<FleetBackfill>>,
}

/// A backfill not done on one database of the fleet.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct FleetBackfill {
    /// The revision that declares it.
    pub revision: String,
    /// `pending`, `running`, `paused` or `cancelled`.
    pub state: String,
    /// Keys walked of the estimate, 0 to 100.
    pub percent: f64,
}

impl FleetBackfill {
    pub(crate) fn of(job: &aurora_migrate::backfill::Job) -> FleetBackfill {
        FleetBackfill {
            revision: job.revision.clone(),
            state: job.state.name().to_string(),
            percent: (job.percent() * 10.0).round() / 10.0,
        }
    }
}

/// How one database's run ended.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum FleetOutcome {
    /// It succeeded.
    Done,
    /// It failed.
    Failed,
    /// It was not started.
    Skipped,
}

/// The counts of a fleet's run.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct FleetSummary {
    /// How many databases the fleet has.
    pub total: usize,
    /// How many succeeded.
    pub done: usize,
    /// How many failed.
    pub failed: usize,
    /// How many were not started.
    pub skipped: usize,
    /// Whether a signal stopped the fleet.
    pub interrupted: bool,
}
