//! One backfill batch on whichever database a connection holds: the transaction with its own
//! timeouts, the key select up to the batch's size, the change over that key range, and the
//! job's cursor moved in the same transaction; and the few reads a job needs (its rows, the
//! key's range). Each database's pieces are in its folder. Must not import the runner.

use std::time::{Duration, Instant};

use super::Connection;
use crate::bookkeeping::{JOB_COLUMNS, JobRow, job_row_of};
use crate::error::{Error, Result};
use aurora_migrate_core::Database;

/// What a batch is asked to do.
pub(crate) struct BatchSql<'a> {
    /// Holds the job's row for the batch; it must change one row, or the batch stops.
    pub hold: String,
    /// `SELECT max(key), count(*)` of the batch's keys.
    pub select: String,
    /// The change over `(cursor, last]`, given the last key.
    pub update: &'a (dyn Fn(i64) -> String + Sync),
    /// The job's row moved to the last key, given the rows changed and walked; it must change
    /// one row, or the batch rolls back.
    pub advance: &'a (dyn Fn(i64, u64, i64) -> String + Sync),
    /// The job's row marked done when the range held no more keys.
    pub finish: String,
    pub lock_timeout: Duration,
    pub statement_timeout: Duration,
    /// The server is MariaDB (whose statement time limit a batch sets).
    #[cfg_attr(not(feature = "mysql"), allow(dead_code))]
    pub mariadb: bool,
    /// Sets back what a batch set on the session beyond its transaction (see
    /// [`Connection::batch_reset`]); empty where nothing outlives the transaction.
    pub reset: String,
}

/// What a batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Batch {
    /// Committed: the last key walked, the keys walked and the rows changed; the time it took,
    /// and how long its transaction waited to begin (SQLite: other writers).
    Committed {
        last: i64,
        seen: i64,
        changed: u64,
        elapsed: Duration,
        waited: Duration,
    },
    /// No key was left in the range: the job is done.
    Exhausted,
    /// The job's row did not move (another runner took it, or an operator paused or cancelled
    /// it): nothing of the batch stayed.
    Lost,
}

/// Why a batch failed; nothing of it stayed.
#[derive(Debug)]
pub(crate) struct BatchError {
    pub error: sqlx::Error,
    /// A lock or statement timeout: a smaller batch may pass.
    pub timed_out: bool,
}

impl Connection {
    /// Runs one batch in one transaction.
    pub(crate) async fn backfill_batch(
        &mut self,
        batch: &BatchSql<'_>,
    ) -> std::result::Result<Batch, BatchError> {
        let kind = self.kind();
        let begin = self.batch_begin(batch);
        let started = Instant::now();
        let fail = |error: sqlx::Error| BatchError {
            timed_out: timed_out(kind, &error),
            error,
        };
        if let Err(error) = self.exec(&begin).await {
            // What the begin set (SQLite's busy timeout) is set back on this path too.
            self.reset_after(batch).await;
            return Err(fail(error));
        }
        let waited = started.elapsed();
        let outcome = async {
            if self.exec(&batch.hold).await? != 1 {
                return Ok(Batch::Lost);
            }
            let range = self.numbers(&batch.select, 2).await?;
            let (Some(last), Some(seen)) = (range[0], range[1]) else {
                let finished = self.exec(&batch.finish).await?;
                return Ok(if finished == 1 {
                    Batch::Exhausted
                } else {
                    Batch::Lost
                });
            };
            if seen == 0 {
                let finished = self.exec(&batch.finish).await?;
                return Ok(if finished == 1 {
                    Batch::Exhausted
                } else {
                    Batch::Lost
                });
            }
            let changed = self.exec(&(batch.update)(last)).await?;
            if self.exec(&(batch.advance)(last, changed, seen)).await? != 1 {
                return Ok(Batch::Lost);
            }
            Ok(Batch::Committed {
                last,
                seen,
                changed,
                elapsed: Duration::ZERO,
                waited,
            })
        }
        .await;
        let end = match &outcome {
            Ok(Batch::Lost) | Err(_) => "ROLLBACK",
            Ok(_) => "COMMIT",
        };
        let ended = self.exec(end).await;
        self.reset_after(batch).await;
        let outcome = outcome.map_err(fail)?;
        ended.map_err(fail)?;
        Ok(match outcome {
            Batch::Committed {
                last,
                seen,
                changed,
                waited,
                ..
            } => Batch::Committed {
                last,
                seen,
                changed,
                elapsed: started.elapsed(),
                waited,
            },
            other => other,
        })
    }

    fn batch_begin(&self, batch: &BatchSql<'_>) -> String {
        let lock_ms = batch.lock_timeout.as_millis().max(1) as u64;
        let statement_ms = batch.statement_timeout.as_millis().max(1) as u64;
        let _ = statement_ms;
        match self.kind() {
            #[cfg(feature = "postgres")]
            Database::Postgres => super::postgres::backfill::begin(lock_ms, statement_ms),
            #[cfg(feature = "mysql")]
            Database::Mysql => super::mysql::backfill::begin(lock_ms, statement_ms, batch.mariadb),
            #[cfg(feature = "sqlite")]
            Database::Sqlite => super::sqlite::backfill::begin(lock_ms),
            #[allow(unreachable_patterns)]
            _ => String::new(),
        }
    }

    /// Sets back what a batch set on the session beyond its transaction.
    async fn reset_after(&mut self, batch: &BatchSql<'_>) {
        if !batch.reset.is_empty() {
            let _ = self.exec(&batch.reset).await;
        }
    }

    /// The statement that sets back what batches set on this session beyond their
    /// transaction: MySQL's lock wait and MariaDB's statement limit as they are now, SQLite's
    /// busy timeout as `busy` says; nothing on PostgreSQL, whose settings are `SET LOCAL`.
    pub(crate) async fn batch_reset(
        &mut self,
        mariadb: bool,
        busy: Duration,
    ) -> std::result::Result<String, sqlx::Error> {
        let _ = (mariadb, busy);
        Ok(match self.kind() {
            #[cfg(feature = "mysql")]
            Database::Mysql => {
                let values = self
                    .numbers(super::mysql::backfill::session_values(mariadb), 3)
                    .await?;
                super::mysql::backfill::reset(
                    values[0].unwrap_or(50),
                    values[1],
                    values[2].unwrap_or(31_536_000),
                )
            }
            #[cfg(feature = "sqlite")]
            Database::Sqlite => super::sqlite::backfill::reset(busy),
            _ => String::new(),
        })
    }

    /// A MariaDB server (not MySQL, nor another database).
    pub(crate) async fn is_mariadb(&mut self) -> bool {
        if self.kind() != Database::Mysql {
            return false;
        }
        let version = self.numbers("SELECT CAST(VERSION() LIKE '%MariaDB%' AS SIGNED)", 1);
        matches!(version.await.as_deref(), Ok([Some(1)]))
    }

    /// The same connection, out of the service's pool if it came from one: a backfill task the
    /// service drops mid-batch closes it, and the server rolls the batch back, instead of a
    /// transaction left open going back to the service.
    pub(crate) fn detached(self) -> Connection {
        match self {
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => Connection::Postgres(Box::new(c.detached())),
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(c) => Connection::Sqlite(c.detached()),
            #[cfg(feature = "mysql")]
            Connection::Mysql(c) => Connection::Mysql(c.detached()),
        }
    }

    /// A query whose one value is 1 when `key` of `table` is a NOT NULL integer column.
    pub(crate) fn key_check(&self, table: &str, key: &str) -> String {
        match self.kind() {
            #[cfg(feature = "postgres")]
            Database::Postgres => super::postgres::backfill::key_check(table, key),
            #[cfg(feature = "mysql")]
            Database::Mysql => super::mysql::backfill::key_check(table, key),
            #[cfg(feature = "sqlite")]
            Database::Sqlite => super::sqlite::backfill::key_check(table, key),
            #[allow(unreachable_patterns)]
            _ => String::new(),
        }
    }

    /// The locking clause of a batch's key select on this database.
    pub(crate) fn key_lock(&self) -> &'static str {
        match self.kind() {
            #[cfg(feature = "postgres")]
            Database::Postgres => super::postgres::backfill::KEY_LOCK,
            #[cfg(feature = "mysql")]
            Database::Mysql => super::mysql::backfill::KEY_LOCK,
            #[cfg(feature = "sqlite")]
            Database::Sqlite => super::sqlite::backfill::KEY_LOCK,
            #[allow(unreachable_patterns)]
            _ => "",
        }
    }

    /// The jobs' rows `sql` selects ([`JOB_COLUMNS`], then the clock); none when the jobs
    /// table is not there.
    pub(crate) async fn job_rows(&mut self, sql: &str) -> Result<Vec<JobRow>> {
        let read = |e| Error::database("cannot read the backfill jobs", e);
        let query = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()));
        let fetched = dispatch!(self, c => match query.fetch_all(c.raw()).await {
            Ok(rows) => rows.iter().map(split_row).collect::<std::result::Result<Vec<_>, _>>(),
            Err(e) => Err(e),
        });
        let rows: Vec<SplitRow> = match fetched {
            Ok(rows) => rows,
            Err(e) if super::lease::is_missing_table(&e) => Vec::new(),
            Err(e) => return Err(read(e)),
        };
        rows.into_iter()
            .map(|(texts, numbers)| {
                job_row_of(texts, numbers).map_err(|m| read(sqlx::Error::Decode(m.into())))
            })
            .collect()
    }

    /// Runs `sql`, making the jobs table first when it is not there; returns the rows changed.
    pub(crate) async fn exec_job(
        &mut self,
        tables: &crate::bookkeeping::Tables,
        sql: &str,
    ) -> std::result::Result<u64, sqlx::Error> {
        match self.exec(sql).await {
            Err(e) if super::lease::is_missing_table(&e) => {
                let mut ddl = vec![tables.job_sql(self.kind()).create()];
                if self.kind() == Database::Postgres {
                    ddl.push(tables.owner_only());
                }
                for statement in ddl {
                    // Two runners may make it at once: PostgreSQL refuses the second
                    // `CREATE TABLE IF NOT EXISTS` then, and the table is there all the same.
                    if let Err(e) = self.exec(&statement).await
                        && !matches!(
                            e.as_database_error().and_then(|d| d.code()).as_deref(),
                            Some("23505" | "42P07")
                        )
                    {
                        return Err(e);
                    }
                }
                self.exec(sql).await
            }
            other => other,
        }
    }
}

/// A job row's text columns and its number columns (the clock last).
type SplitRow = (Vec<Option<String>>, Vec<Option<i64>>);

fn split_row<R>(row: &R) -> std::result::Result<SplitRow, sqlx::Error>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    Option<String>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let texts = (0..crate::bookkeeping::JOB_TEXT_COLUMNS)
        .map(|i| row.try_get(i))
        .collect::<std::result::Result<Vec<Option<String>>, _>>()?;
    let numbers = (crate::bookkeeping::JOB_TEXT_COLUMNS..=JOB_COLUMNS.len())
        .map(|i| row.try_get(i))
        .collect::<std::result::Result<Vec<Option<i64>>, _>>()?;
    Ok((texts, numbers))
}

fn timed_out(kind: Database, error: &sqlx::Error) -> bool {
    match kind {
        #[cfg(feature = "postgres")]
        Database::Postgres => super::postgres::backfill::timed_out(error),
        #[cfg(feature = "mysql")]
        Database::Mysql => super::mysql::backfill::timed_out(error),
        #[cfg(feature = "sqlite")]
        Database::Sqlite => super::sqlite::backfill::timed_out(error),
        #[allow(unreachable_patterns)]
        _ => false,
    }
}
