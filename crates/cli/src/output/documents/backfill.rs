//! The documents of backfills: each job as `status` and the `backfill` commands show it.
//! Must not import a command.

use schemars::JsonSchema;
use serde::Serialize;

/// `backfill status`, `backfill run`, `pause`, `resume` and `cancel`: the jobs concerned.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Backfills {
    /// The subcommand (`status`, `run`, `pause`, `resume` or `cancel`).
    pub command: String,
    /// The jobs, in the order of their revisions.
    pub jobs: Vec<BackfillJob>,
}

/// Where one revision's backfill stands.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct BackfillJob {
    /// The revision that declares it: the job's name.
    pub revision: String,
    /// The table it changes.
    pub table: String,
    /// `pending`, `running`, `paused`, `cancelled` or `done`.
    pub state: String,
    /// Keys walked of the estimate, 0 to 100 (100 once done).
    pub percent: f64,
    /// Rows the change updated.
    pub rows_done: i64,
    /// Keys walked.
    pub rows_seen: i64,
    /// Keys in its range when it started.
    pub rows_estimated: Option<i64>,
    /// The last key walked.
    pub cursor: Option<i64>,
    /// The highest key it walks.
    pub upper_bound: Option<i64>,
    /// The next batch's size.
    pub batch_size: i64,
    /// Failed attempts since the last batch that committed.
    pub attempts: i64,
    /// The last failure's message.
    pub last_error: Option<String>,
    /// Why an operator paused or cancelled it.
    pub note: Option<String>,
    /// Who holds its lease, while one does.
    pub owner: Option<String>,
    /// Keys walked per second of batch time.
    pub rows_per_second: Option<u64>,
    /// Seconds left at that rate.
    pub seconds_left: Option<u64>,
    /// When it started, in milliseconds since the epoch (the database's clock).
    pub started_at_ms: Option<i64>,
    /// When its row last changed.
    pub updated_at_ms: Option<i64>,
    /// When it finished.
    pub finished_at_ms: Option<i64>,
}

impl BackfillJob {
    pub(crate) fn of(job: &aurora_migrate::backfill::Job) -> BackfillJob {
        BackfillJob {
            revision: job.revision.clone(),
            table: job.table.clone(),
            state: job.state.name().to_string(),
            percent: (job.percent() * 10.0).round() / 10.0,
            rows_done: job.rows_done,
            rows_seen: job.rows_seen,
            rows_estimated: job.rows_estimated,
            cursor: job.cursor,
            upper_bound: job.upper_bound,
            batch_size: job.batch_size,
            attempts: job.attempts,
            last_error: job.last_error.clone(),
            note: job.note.clone(),
            owner: job.owner.clone(),
            rows_per_second: job.rate,
            seconds_left: job.remaining.map(|d| d.as_secs()),
            started_at_ms: job.started_at,
            updated_at_ms: job.updated_at,
            finished_at_ms: job.finished_at,
        }
    }
}
