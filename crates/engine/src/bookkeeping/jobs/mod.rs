//! The backfill jobs table, `<version>_aurora_jobs`: one row per revision whose backfill has
//! started, holding its cursor, its bound, its counts, its lease and its state. Its DDL and
//! statements, and a row read back. Text and data only: must not import the drivers.

mod job;
mod statements;

pub use job::Job;

pub(crate) use statements::JobSql;

/// Where a backfill job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JobState {
    /// Its revision is applied, and no batch has run yet.
    Pending,
    /// Batches run when a runner holds its lease.
    Running,
    /// An operator paused it: no batch runs until it is resumed.
    Paused,
    /// An operator cancelled it: no batch runs, and what ran stays.
    Cancelled,
    /// Every key up to its bound was walked.
    Done,
}

impl JobState {
    /// The word the table and the documents use.
    pub fn name(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Running => "running",
            JobState::Paused => "paused",
            JobState::Cancelled => "cancelled",
            JobState::Done => "done",
        }
    }

    fn from_name(name: &str) -> Option<JobState> {
        [
            JobState::Pending,
            JobState::Running,
            JobState::Paused,
            JobState::Cancelled,
            JobState::Done,
        ]
        .into_iter()
        .find(|s| s.name() == name)
    }
}

/// The columns a job row is read with, in this order (text first, then numbers).
pub(crate) const JOB_COLUMNS: [&str; 18] = [
    "revision",
    "state",
    "last_error",
    "note",
    "owner",
    "cursor_key",
    "low_key",
    "upper_bound",
    "rows_done",
    "rows_seen",
    "rows_estimated",
    "batch_size",
    "attempts",
    "lease_until",
    "started_at",
    "updated_at",
    "finished_at",
    "active_ms",
];

/// How many of [`JOB_COLUMNS`] are text.
pub(crate) const JOB_TEXT_COLUMNS: usize = 5;

/// A job's row as read, with the database's clock when it was read (epoch milliseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JobRow {
    pub revision: String,
    pub state: JobState,
    pub last_error: Option<String>,
    pub note: Option<String>,
    pub owner: Option<String>,
    /// The last key walked; `None` until the bound is taken.
    pub cursor: Option<i64>,
    pub low: Option<i64>,
    pub bound: Option<i64>,
    pub rows_done: i64,
    pub rows_seen: i64,
    pub rows_estimated: Option<i64>,
    pub batch_size: i64,
    pub attempts: i64,
    pub lease_until: Option<i64>,
    pub started_at: Option<i64>,
    pub updated_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub active_ms: i64,
    /// The database's clock at the read.
    pub now: i64,
}

/// Whether a job's lease holder (`<host> pid <pid> run <id>`) is known to have died: it ran
/// on this host and its process is gone.
pub(crate) fn owner_is_dead(owner: &str) -> bool {
    let process = owner
        .rsplit_once(" run ")
        .map_or(owner, |(process, _)| process);
    process
        .rsplit_once(" pid ")
        .and_then(|(host, pid)| Some((host, pid.parse::<i64>().ok()?)))
        .is_some_and(|(host, pid)| super::Claimant::is_dead(host, pid))
}

/// A row from its text columns and its number columns (the clock last), in
/// [`JOB_COLUMNS`]' order.
pub(crate) fn job_row_of(
    texts: Vec<Option<String>>,
    numbers: Vec<Option<i64>>,
) -> Result<JobRow, String> {
    let [revision, state, last_error, note, owner]: [Option<String>; JOB_TEXT_COLUMNS] = texts
        .try_into()
        .map_err(|_| "a backfill job row has the wrong columns".to_string())?;
    let [
        cursor,
        low,
        bound,
        rows_done,
        rows_seen,
        rows_estimated,
        batch_size,
        attempts,
        lease_until,
        started_at,
        updated_at,
        finished_at,
        active_ms,
        now,
    ]: [Option<i64>; JOB_COLUMNS.len() - JOB_TEXT_COLUMNS + 1] = numbers
        .try_into()
        .map_err(|_| "a backfill job row has the wrong columns".to_string())?;
    let state = state.unwrap_or_default();
    Ok(JobRow {
        revision: revision.unwrap_or_default(),
        state: JobState::from_name(&state)
            .ok_or_else(|| format!("a backfill job is in an unknown state `{state}`"))?,
        last_error,
        note,
        owner,
        cursor,
        low,
        bound,
        rows_done: rows_done.unwrap_or(0),
        rows_seen: rows_seen.unwrap_or(0),
        rows_estimated,
        batch_size: batch_size.unwrap_or(0),
        attempts: attempts.unwrap_or(0),
        lease_until,
        started_at,
        updated_at,
        finished_at,
        active_ms: active_ms.unwrap_or(0),
        now: now.unwrap_or(0),
    })
}
