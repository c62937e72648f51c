//! A backfill job as a service or a person reads it: where it stands, how far it got of the
//! estimate, its rate and the time left, from its row. Pure: must not import a driver.

use std::time::Duration;

use super::{JobRow, JobState};

/// Where one revision's backfill stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Job {
    /// The revision that declares it (the job's name).
    pub revision: String,
    /// The table it changes.
    pub table: String,
    /// Pending, running, paused, cancelled or done.
    pub state: JobState,
    /// Rows the change updated.
    pub rows_done: i64,
    /// Keys walked (the change's `WHERE` may skip some).
    pub rows_seen: i64,
    /// Keys in the range when it started.
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
    pub rate: Option<u64>,
    /// The time left at that rate.
    pub remaining: Option<Duration>,
    /// When it started, was last changed and finished, in milliseconds since the epoch (the
    /// database's clock).
    pub started_at: Option<i64>,
    /// See `started_at`.
    pub updated_at: Option<i64>,
    /// See `started_at`.
    pub finished_at: Option<i64>,
}

impl Job {
    /// A job whose revision is applied and that has no row yet.
    pub(crate) fn pending(revision: &str, table: &str) -> Job {
        Job {
            revision: revision.to_string(),
            table: table.to_string(),
            state: JobState::Pending,
            rows_done: 0,
            rows_seen: 0,
            rows_estimated: None,
            cursor: None,
            upper_bound: None,
            batch_size: 0,
            attempts: 0,
            last_error: None,
            note: None,
            owner: None,
            rate: None,
            remaining: None,
            started_at: None,
            updated_at: None,
            finished_at: None,
        }
    }

    /// The job as its row says; a row that has not started reads as pending.
    pub(crate) fn of_row(row: &JobRow, table: &str) -> Job {
        let rate = (row.active_ms > 0 && row.rows_seen > 0)
            .then(|| (row.rows_seen as f64 * 1000.0 / row.active_ms as f64).round() as u64);
        let left = row
            .rows_estimated
            .map(|estimate| (estimate - row.rows_seen).max(0));
        let remaining = match (rate, left, row.state) {
            (_, _, JobState::Done) => Some(Duration::ZERO),
            (Some(rate), Some(left), _) if rate > 0 => {
                Some(Duration::from_secs_f64(left as f64 / rate as f64))
            }
            _ => None,
        };
        let leased = row.lease_until.is_some_and(|until| until >= row.now);
        let state = match (row.state, row.cursor) {
            (JobState::Running, None) if !leased => JobState::Pending,
            (state, _) => state,
        };
        Job {
            revision: row.revision.clone(),
            table: table.to_string(),
            state,
            rows_done: row.rows_done,
            rows_seen: row.rows_seen,
            rows_estimated: row.rows_estimated,
            cursor: row.cursor,
            upper_bound: row.bound,
            batch_size: row.batch_size,
            attempts: row.attempts,
            last_error: row.last_error.clone(),
            note: row.note.clone(),
            owner: row.owner.clone().filter(|_| leased),
            rate,
            remaining,
            started_at: row.started_at,
            updated_at: row.updated_at,
            finished_at: row.finished_at,
        }
    }

    /// How far it is, from 0 to 100: keys walked of the estimate (100 once done).
    pub fn percent(&self) -> f64 {
        match (self.state, self.rows_estimated) {
            (JobState::Done, _) => 100.0,
            (_, Some(estimate)) if estimate > 0 => {
                (self.rows_seen as f64 * 100.0 / estimate as f64).min(100.0)
            }
            _ => 0.0,
        }
    }

    /// Done: a revision that requires it may run.
    pub fn is_done(&self) -> bool {
        self.state == JobState::Done
    }

    /// One line a person reads: `running, 40% (400000 of 1000000 rows), 12000 rows/s, 50s left`.
    pub fn summary(&self) -> String {
        let mut text = format!("{}, {:.0}%", self.state.name(), self.percent());
        if let Some(estimate) = self.rows_estimated {
            text.push_str(&format!(" ({} of {estimate} rows", self.rows_seen));
            if self.rows_done != self.rows_seen {
                text.push_str(&format!(", {} changed", self.rows_done));
            }
            text.push(')');
        }
        if let (Some(rate), JobState::Running) = (self.rate, self.state) {
            text.push_str(&format!(", {rate} rows/s"));
            if let Some(left) = self.remaining {
                text.push_str(&format!(", {}s left", left.as_secs()));
            }
        }
        if let Some(note) = &self.note {
            text.push_str(&format!(": {note}"));
        }
        if let Some(error) = self.last_error.as_ref().filter(|_| self.attempts > 0) {
            text.push_str(&format!("; last error: {error}"));
        }
        text
    }
}
