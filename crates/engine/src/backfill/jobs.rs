//! The jobs as data (each applied revision's, pending until its row exists), and an
//! operator's pause, resume and cancel, which the next batch of a running job obeys. Must not
//! import the runner.

use super::sizing::Sizing;
use super::walk::write;
use crate::bookkeeping::{Job, JobState, Tables};
use crate::driver::Connection;
use crate::error::{BackfillError, Error, Result};

/// The jobs of `declared` (each applied revision with a backfill on this database, and its
/// table), as their rows say; a revision without a row is pending. A database without the
/// jobs table has no rows.
pub(crate) async fn jobs(
    connection: &mut Connection,
    tables: &Tables,
    declared: &[(String, String)],
) -> Result<Vec<Job>> {
    if declared.is_empty() {
        return Ok(Vec::new());
    }
    let sql = tables.job_sql(connection.kind());
    let rows = connection.job_rows(&sql.select(None)).await?;
    Ok(declared
        .iter()
        .map(
            |(revision, table)| match rows.iter().find(|r| r.revision == *revision) {
                Some(row) => Job::of_row(row, table),
                None => Job::pending(revision, table),
            },
        )
        .collect())
}

/// An operator's pause, resume or cancel of `revision`'s job; the job after it.
pub(crate) async fn set_state(
    connection: &mut Connection,
    tables: &Tables,
    revision: &str,
    table: &str,
    to: JobState,
    note: Option<&str>,
) -> Result<Job> {
    let sql = tables.job_sql(connection.kind());
    connection
        .exec_job(
            tables,
            &sql.ensure(revision, Sizing::default().first, JobState::Running),
        )
        .await
        .map_err(write)?;
    let (from, wanted): (&[JobState], &'static str) = match to {
        JobState::Paused => (&[JobState::Running], "paused"),
        JobState::Cancelled => (&[JobState::Running, JobState::Paused], "cancelled"),
        _ => (&[JobState::Paused, JobState::Cancelled], "resumed"),
    };
    let changed = connection
        .exec(&sql.set_state(revision, from, to, note))
        .await
        .map_err(write)?;
    let rows = connection.job_rows(&sql.select(Some(revision))).await?;
    let job = rows
        .first()
        .map(|row| Job::of_row(row, table))
        .unwrap_or_else(|| Job::pending(revision, table));
    if changed == 0 && job.state != to {
        return Err(Error::Backfill(BackfillError::State {
            revision: revision.to_string(),
            state: job.state.name(),
            wanted,
        }));
    }
    Ok(job)
}
