//! Running one job: its row made and its lease taken, its range taken when it first runs
//! (the lowest key, and the highest now unless the declaration bounds it), then batch after
//! batch, each sized toward its target time, each waiting first for the throttles, each
//! retried smaller with the runner's lock timeouts when it times out. Jobs read as data, and
//! an operator's pause, resume and cancel. Must not import the runner.

use std::time::Duration;

use super::settings::{Event, Settings};
use super::sizing::Sizing;
use super::throttle::{Pause, lag_over};
use crate::bookkeeping::Job;
use crate::bookkeeping::{JobRow, JobSql, JobState, Tables, owner_is_dead};
use crate::driver::{Batch, BatchSql, Connection};
use crate::error::{BackfillError, Error, Result};
use aurora_migrate_core::{Backfill, Database};

/// Runs `revision`'s job until it is done, cancelled, or paused before it started (a job
/// paused while it runs waits to be resumed).
pub(crate) async fn walk<F: FnMut(Event<'_>) + ?Sized>(
    connection: &mut Connection,
    tables: &Tables,
    revision: &str,
    backfill: &Backfill,
    settings: &Settings,
    on_event: &mut F,
) -> Result<Job> {
    let sql = tables.job_sql(connection.kind());
    let sizing = settings.sizing.unwrap_or(Sizing {
        target: Duration::from_millis(backfill.batch_millis),
        ..Sizing::default()
    });
    let write = |e| Error::database("cannot write the backfill job", e);
    // SQLite's busy timeout is the connection's, not the transaction's: between batches the
    // job's own writes wait as the connection did (at least 5 s), and it is set back after.
    let busy = match connection.kind() {
        Database::Sqlite => connection.numbers("PRAGMA busy_timeout", 1).await.ok(),
        _ => None,
    };
    let before = busy.as_ref().and_then(|values| values[0]).unwrap_or(0);
    let busy_after = Duration::from_millis(before.max(5000) as u64);
    if connection.kind() == Database::Sqlite {
        let _ = connection
            .exec(&format!("PRAGMA busy_timeout = {}", busy_after.as_millis()))
            .await;
    }
    connection
        .exec_job(
            tables,
            &sql.ensure(revision, sizing.first, JobState::Running),
        )
        .await
        .map_err(write)?;
    let mariadb = connection.is_mariadb().await;
    let reset = connection
        .batch_reset(mariadb, busy_after)
        .await
        .map_err(|e| Error::database("cannot read the session's settings", e))?;
    let mut walker = Walker {
        sql: &sql,
        revision,
        backfill,
        settings,
        sizing,
        mariadb,
        reset,
        paused: None,
        waiting: false,
        failures: 0,
        fresh: None,
        lag_unreadable: false,
    };
    let result = walker.run(connection, on_event).await;
    if let Some(Some(ms)) = busy.map(|values| values[0]) {
        let _ = connection
            .exec(&format!("PRAGMA busy_timeout = {ms}"))
            .await;
    }
    if result.is_err() {
        let _ = connection
            .exec(&sql.release(revision, &settings.owner))
            .await;
    }
    result
}

pub(super) struct Walker<'a> {
    pub(super) sql: &'a JobSql,
    pub(super) revision: &'a str,
    pub(super) backfill: &'a Backfill,
    pub(super) settings: &'a Settings,
    pub(super) sizing: Sizing,
    pub(super) mariadb: bool,
    /// What sets the session back after each batch.
    pub(super) reset: String,
    /// The pause in force, reported once.
    pub(super) paused: Option<Pause>,
    /// Another runner's lease was reported.
    pub(super) waiting: bool,
    /// Consecutive failed attempts of the current batch.
    pub(super) failures: usize,
    /// The job's row as a batch left it, read for its event: the next look needs no new read.
    pub(super) fresh: Option<JobRow>,
    /// PostgreSQL's standbys' lag cannot be read by this role (said once).
    pub(super) lag_unreadable: bool,
}

impl Walker<'_> {
    async fn run<F: FnMut(Event<'_>) + ?Sized>(
        &mut self,
        connection: &mut Connection,
        on_event: &mut F,
    ) -> Result<Job> {
        loop {
            if let Some(signal) = self.settings.interrupt.as_ref().and_then(|i| i.raised()) {
                let _ = connection
                    .exec(&self.sql.release(self.revision, &self.settings.owner))
                    .await;
                return Err(Error::Interrupted {
                    signal,
                    revision: Some(self.revision.to_string()),
                    done: Vec::new(),
                });
            }
            // The row read just after a batch committed is as fresh as a new read would be.
            let row = match self.fresh.take() {
                Some(row) => row,
                None => self.row(connection).await?,
            };
            match row.state {
                JobState::Done | JobState::Cancelled => {
                    let job = Job::of_row(&row, &self.backfill.table);
                    on_event(Event::Finished(&job));
                    return Ok(job);
                }
                JobState::Paused if self.settings.stop_when_paused => {
                    return Ok(Job::of_row(&row, &self.backfill.table));
                }
                JobState::Paused => {
                    self.pause(Pause::Flag(row.note.clone()), on_event);
                    tokio::time::sleep(self.settings.poll).await;
                    continue;
                }
                JobState::Running | JobState::Pending => {}
            }
            // A lease of its own with more than half its time left needs no claim: each batch
            // renews it, and each batch's hold checks it.
            let held = row.owner.as_deref() == Some(self.settings.owner.as_str())
                && row
                    .lease_until
                    .is_some_and(|until| until - row.now > self.lease_ms() as i64 / 2);
            let claim = self
                .sql
                .claim(self.revision, &self.settings.owner, self.lease_ms());
            let mut claimed = held || connection.exec(&claim).await.map_err(write)? == 1;
            if let Some(dead) = row
                .owner
                .as_deref()
                .filter(|o| !claimed && owner_is_dead(o))
            {
                // Its runner died on this host: no need to wait for its lease to run out.
                let take =
                    self.sql
                        .take_over(self.revision, dead, &self.settings.owner, self.lease_ms());
                claimed = connection.exec(&take).await.map_err(write)? == 1;
            }
            if !claimed {
                if !self.waiting {
                    self.waiting = true;
                    let owner = row.owner.as_deref().unwrap_or("another runner");
                    on_event(Event::Waiting {
                        revision: self.revision,
                        owner,
                    });
                }
                tokio::time::sleep(self.settings.poll).await;
                continue;
            }
            self.waiting = false;
            let Some(cursor) = row.cursor else {
                self.start(connection, on_event).await?;
                continue;
            };
            if let Some(pause) = self.throttle(connection).await {
                self.pause(pause, on_event);
                tokio::time::sleep(self.settings.poll).await;
                continue;
            }
            if self.paused.take().is_some() {
                on_event(Event::Resumed {
                    revision: self.revision,
                });
            }
            self.batch(connection, &row, cursor, on_event).await?;
        }
    }

    pub(super) async fn row(&self, connection: &mut Connection) -> Result<JobRow> {
        let rows = connection
            .job_rows(&self.sql.select(Some(self.revision)))
            .await?;
        rows.into_iter().next().ok_or_else(|| {
            Error::database("cannot read the backfill job", sqlx::Error::RowNotFound)
        })
    }

    /// Why the job must wait before its next batch, if it must.
    async fn throttle(&mut self, connection: &mut Connection) -> Option<Pause> {
        let measured = match connection.kind() {
            // -1: standbys are there, but this role cannot read their lag (it needs
            // pg_read_all_stats), which would read as no lag at all.
            Database::Postgres => {
                let lag = "SELECT CASE WHEN count(*) > 0 AND NOT pg_has_role('pg_read_all_stats', 'MEMBER') \
                           AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN -1 \
                           ELSE CAST(COALESCE(max(EXTRACT(EPOCH FROM replay_lag)), 0) * 1000 AS BIGINT) END \
                           FROM pg_stat_replication";
                match connection.numbers(lag, 1).await {
                    Ok(values) if values[0] == Some(-1) => {
                        if !std::mem::replace(&mut self.lag_unreadable, true) {
                            tracing::warn!(
                                "backfill {}: the standbys' replay_lag cannot be read by this role (grant it \
                                 pg_read_all_stats), so replication lag does not pause the job",
                                self.revision
                            );
                        }
                        None
                    }
                    Ok(values) => values[0].map(|ms| Duration::from_millis(ms.max(0) as u64)),
                    Err(_) => None,
                }
            }
            Database::Mysql | Database::Sqlite => None,
        };
        lag_over(
            measured,
            self.settings.lag_probe.as_ref(),
            self.settings.max_lag,
        )
    }

    fn pause<F: FnMut(Event<'_>) + ?Sized>(&mut self, pause: Pause, on_event: &mut F) {
        if self.paused.as_ref() != Some(&pause) {
            tracing::info!("backfill {} paused: {pause}", self.revision);
            on_event(Event::Paused {
                revision: self.revision,
                pause: &pause,
            });
            self.paused = Some(pause);
        }
    }

    async fn batch<F: FnMut(Event<'_>) + ?Sized>(
        &mut self,
        connection: &mut Connection,
        row: &JobRow,
        cursor: i64,
        on_event: &mut F,
    ) -> Result<()> {
        let (table, key) = (&self.backfill.table, &self.backfill.key);
        let bound = row.bound.unwrap_or(cursor);
        let size = row.batch_size.clamp(self.sizing.min, self.sizing.max);
        let lock = connection.key_lock();
        let schedule = &self.settings.lock_timeouts;
        let lock_timeout = schedule
            .get(self.failures.min(schedule.len().saturating_sub(1)))
            .copied()
            .unwrap_or(Duration::from_secs(1));
        let statement_timeout = self
            .settings
            .statement_timeout
            .unwrap_or_else(|| (self.sizing.target * 10).max(Duration::from_secs(1)));
        let filter = self
            .backfill
            .filter
            .as_ref()
            .map(|f| format!(" AND ({f}\n)"))
            .unwrap_or_default();
        let set = &self.backfill.set;
        let update = move |last: i64| {
            // The user's text ends its own line: a trailing comment in it ends there.
            format!("UPDATE {table} SET {set}\nWHERE {key} > {cursor} AND {key} <= {last}{filter}")
        };
        let (revision, owner, lease_ms) = (self.revision, &self.settings.owner, self.lease_ms());
        let sizing = self.sizing;
        let started = std::time::Instant::now();
        let sql = self.sql;
        let advance = move |last: i64, changed: u64, seen: i64| {
            let took = started.elapsed();
            sql.advance(
                revision,
                owner,
                cursor,
                last,
                changed,
                seen,
                sizing.next(size, took),
                took.as_millis() as u64,
                lease_ms,
                last >= bound,
            )
        };
        let cast = bigint(connection.kind());
        let batch = BatchSql {
            hold: self.sql.hold(revision, owner, cursor),
            select: format!(
                "SELECT CAST(max({key}) AS {cast}), count(*) FROM (SELECT {key} FROM {table} \
                 WHERE {key} > {cursor} AND {key} <= {bound} ORDER BY {key} LIMIT {size}{lock}) aurora_batch"
            ),
            update: &update,
            advance: &advance,
            finish: self.sql.finish(revision, owner),
            lock_timeout,
            statement_timeout,
            mariadb: self.mariadb,
            reset: self.reset.clone(),
        };
        match connection.backfill_batch(&batch).await {
            Ok(Batch::Committed {
                elapsed, waited, ..
            }) => {
                self.failures = 0;
                let row = self.row(connection).await?;
                let job = Job::of_row(&row, table);
                on_event(Event::Batch {
                    job: &job,
                    took: elapsed,
                });
                if connection.kind() == Database::Sqlite && waited > self.settings.writers_wait {
                    // Other writers held the database: let them through before the next batch.
                    self.pause(Pause::Writers(waited), on_event);
                    tokio::time::sleep(waited).await;
                } else {
                    self.fresh = Some(row);
                }
                Ok(())
            }
            Ok(Batch::Exhausted | Batch::Lost) => Ok(()),
            Err(failure) => {
                self.failures += 1;
                let message = crate::error::database_message(&failure.error);
                let next = match failure.timed_out {
                    true => self.sizing.split(size),
                    false => size,
                };
                let _ = connection
                    .exec(&self.sql.failed(revision, owner, &message, next))
                    .await;
                if self.failures >= schedule.len().max(1) || !failure.timed_out && self.failures > 2
                {
                    return Err(Error::Backfill(BackfillError::Failed {
                        revision: revision.to_string(),
                        cursor,
                        attempts: self.failures as u32,
                        message,
                        source: failure.error,
                    }));
                }
                on_event(Event::Retry {
                    revision,
                    error: &message,
                    size: next,
                });
                tokio::time::sleep(lock_timeout.min(Duration::from_secs(2))).await;
                Ok(())
            }
        }
    }

    fn lease_ms(&self) -> u64 {
        self.settings.lease.as_millis() as u64
    }
}

pub(super) fn write(error: sqlx::Error) -> Error {
    Error::database("cannot write the backfill job", error)
}

/// The integer type a key is read as.
pub(super) fn bigint(kind: Database) -> &'static str {
    match kind {
        Database::Mysql => "SIGNED",
        Database::Postgres | Database::Sqlite => "BIGINT",
    }
}
