//! SQLite: runners are serialised by an exclusive lock on the database file (`lock.rs`); each
//! step runs in one transaction, sent to the driver's worker thread as one batch. Everything
//! this database knows lives in this folder; must not import the runner.

pub(crate) mod backfill;
#[cfg(feature = "autogenerate")]
mod create_statement;
#[cfg(feature = "autogenerate")]
mod introspect;
mod journaled;
pub(crate) use journaled::check_step;
mod lock;
mod read;
#[cfg(feature = "autogenerate")]
pub(crate) mod render;
pub(crate) mod script;

use std::fs::File;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Row};

use super::{Failure, Handle, Work, database_message, run_batch};
use crate::bookkeeping::Elapsed;
use crate::error::{Error, Result};
use crate::interrupt::Interrupt;
use crate::url::DatabaseUrl;

pub(crate) struct Sqlite {
    connection: Handle<sqlx::Sqlite>,
    path: Option<std::path::PathBuf>,
    lock: Option<File>,
    /// True while a transactional migration runs: only those may be stopped mid-statement.
    interruptible: Arc<AtomicBool>,
    session_ready: bool,
    /// How long SQLite itself waits for a lock another connection holds.
    busy_timeout: Duration,
    /// A pooled connection had foreign keys enforced: they are again when it goes back.
    restore_foreign_keys: bool,
    /// The busy timeout a step set, while it differs from `busy_timeout`.
    step_busy: Option<Duration>,
}

/// Virtual-machine steps between two looks at the interrupt: microseconds apart.
const PROGRESS_STEPS: i32 = 10_000;

/// SQLite's result code for a statement stopped by the progress handler.
const SQLITE_INTERRUPT: &str = "9";

impl Sqlite {
    pub(crate) async fn open(url: &DatabaseUrl, create: bool, timeout: Duration) -> Result<Sqlite> {
        let connect_error = |message: String| Error::Connect {
            url: url.to_string(),
            message,
        };
        let options = SqliteConnectOptions::from_str(url.driver_url())
            .map_err(|e| connect_error(database_message(&e)))?
            .create_if_missing(create)
            .busy_timeout(timeout)
            // SQLite's own default. A table rebuild drops and renames tables, which enforced
            // foreign keys would turn into cascading deletes; each migration is checked with
            // `PRAGMA foreign_key_check` before it commits instead.
            .foreign_keys(false);
        let connection = match tokio::time::timeout(timeout, options.connect()).await {
            Err(_) => {
                return Err(Error::ConnectTimeout {
                    url: url.to_string(),
                    timeout,
                });
            }
            Ok(Err(e)) => return Err(connect_error(database_message(&e))),
            Ok(Ok(connection)) => connection,
        };
        Ok(Sqlite {
            connection: Handle::Owned(connection),
            path: url.sqlite_path().cloned(),
            lock: None,
            interruptible: Arc::default(),
            session_ready: false,
            busy_timeout: timeout,
            restore_foreign_keys: false,
            step_busy: None,
        })
    }

    /// A connection taken from the service's own pool. Foreign keys are switched off for the
    /// run, as migrations need them, and on again before the connection goes back.
    pub(crate) async fn from_pool(pool: &sqlx::SqlitePool) -> Result<Sqlite> {
        let options = pool.connect_options();
        let filename = options.get_filename();
        let path = (!filename.as_os_str().is_empty()
            && filename != std::path::Path::new(":memory:"))
        .then(|| filename.to_path_buf());
        let mut connection = pool
            .acquire()
            .await
            .map_err(|e| Error::database("cannot take a connection from the pool", e))?;
        let enforced: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *connection)
            .await
            .map_err(|e| Error::database("cannot prepare the SQLite session", e))?;
        sqlx::raw_sql("PRAGMA foreign_keys = OFF")
            .execute(&mut *connection)
            .await
            .map_err(|e| Error::database("cannot prepare the SQLite session", e))?;
        Ok(Sqlite {
            connection: Handle::Pooled(connection),
            path,
            lock: None,
            interruptible: Arc::default(),
            session_ready: false,
            busy_timeout: Duration::from_secs(10),
            restore_foreign_keys: enforced == 1,
            step_busy: None,
        })
    }

    /// The driver's connection.
    pub(crate) fn raw(&mut self) -> &mut SqliteConnection {
        self.connection.get()
    }

    pub(crate) async fn run_in_transaction(&mut self, statements: &[String]) -> Result<()> {
        super::run_in_transaction(self.connection.get(), script::BEGIN, statements).await
    }

    pub(crate) async fn apply(&mut self, work: &Work<'_>) -> std::result::Result<(), Failure> {
        self.step_busy_timeout(work.lock_timeout)
            .await
            .map_err(|e| Failure::new(None, database_message(&e)))?;
        self.apply_in_step(work).await
    }

    /// SQLite waits for another connection's lock as long as its busy timeout: a step's lock
    /// timeout is that, set only when it changes (no call per migration).
    async fn step_busy_timeout(
        &mut self,
        timeout: Option<Duration>,
    ) -> std::result::Result<(), sqlx::Error> {
        let wanted = timeout.unwrap_or(self.busy_timeout);
        if self.step_busy.unwrap_or(self.busy_timeout) != wanted {
            self.execute(&format!("PRAGMA busy_timeout = {}", wanted.as_millis()))
                .await?;
            self.step_busy = Some(wanted);
        }
        Ok(())
    }

    async fn apply_in_step(&mut self, work: &Work<'_>) -> std::result::Result<(), Failure> {
        if !work.transaction.transactional {
            return self.apply_alone(work).await;
        }
        self.prepare_session(work.interrupt)
            .await
            .map_err(|e| Failure::new(None, database_message(&e)))?;
        let since = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        // One call to the driver's worker thread per migration: SQLite runs the batch statement
        // by statement and stops at the first error, after one result per statement that ran.
        let batch = script::step(work, Elapsed::SinceEpochMillis(since));
        let checks_keys = script::checks_keys(work);
        self.interruptible.store(true, Ordering::SeqCst);
        let (completed, error) = run_batch(self.connection.get(), batch).await;
        self.interruptible.store(false, Ordering::SeqCst);
        let Some(error) = error else {
            return Ok(());
        };
        let count = work.statements.len();
        // The first result is the opening's; none at all means the transaction never started.
        let failure = match completed.checked_sub(1) {
            None => Failure::new(None, database_message(&error)),
            Some(index) if interrupted(work, &error) => Failure {
                interrupted: true,
                ..Failure::new((index < count).then_some(index), "interrupted".into())
            },
            Some(index) if index < count => Failure::new(Some(index), database_message(&error)),
            Some(index) if checks_keys && index == count => match self.foreign_key_check().await {
                Err(failure) => failure,
                Ok(()) => Failure::new(None, database_message(&error)),
            },
            Some(_) => Failure::new(None, database_message(&error)),
        };
        let _ = self.execute("ROLLBACK").await;
        Err(Failure {
            lock_timeout: lock::is_busy(&error),
            ..failure
        })
    }

    /// `Transaction: none`: each statement alone, then the bookkeeping in its own transaction.
    async fn apply_alone(&mut self, work: &Work<'_>) -> std::result::Result<(), Failure> {
        let started = Instant::now();
        for (index, statement) in work.statements.iter().enumerate() {
            let result = match &work.journal {
                Some(journal) => self.run_journaled(journal, index, &statement.text).await,
                None => self.execute(&statement.text).await.map_err(|e| Failure {
                    lock_timeout: lock::is_busy(&e),
                    ..Failure::new(None, database_message(&e))
                }),
            };
            if let Err(failure) = result {
                return Err(Failure {
                    statement: Some(index),
                    ..failure
                });
            }
        }
        if script::checks_keys(work) {
            self.foreign_key_check().await?;
        }
        let bookkeeping = (work.bookkeeping)(Elapsed::Millis(started.elapsed().as_millis()));
        self.run_in_transaction(&bookkeeping)
            .await
            .map_err(|e| Failure::new(None, e.to_string()))
    }

    /// Once per connection, before the first migration: the foreign-key guard, and a progress
    /// handler that lets an interrupt stop the statement SQLite is running.
    async fn prepare_session(
        &mut self,
        interrupt: Option<&Interrupt>,
    ) -> std::result::Result<(), sqlx::Error> {
        if self.session_ready {
            return Ok(());
        }
        self.execute(script::GUARD_DDL).await?;
        if let Some(interrupt) = interrupt {
            let interrupt = interrupt.clone();
            let interruptible = Arc::clone(&self.interruptible);
            self.connection
                .get()
                .lock_handle()
                .await?
                .set_progress_handler(PROGRESS_STEPS, move || {
                    !(interruptible.load(Ordering::SeqCst) && interrupt.raised().is_some())
                });
        }
        self.session_ready = true;
        Ok(())
    }

    /// Rows the migration left pointing at nothing.
    async fn foreign_key_check(&mut self) -> std::result::Result<(), Failure> {
        let fail = |message: String| Failure::new(None, message);
        let rows = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(self.connection.get())
            .await
            .map_err(|e| fail(database_message(&e)))?;
        match rows.first() {
            None => Ok(()),
            Some(row) => {
                let (table, parent): (String, String) = (row.get(0), row.get(2));
                Err(fail(format!(
                    "the migration leaves {} row(s) breaking foreign keys (first: a row of {table} references a missing {parent} row); \
                     fix the data in the migration",
                    rows.len()
                )))
            }
        }
    }

    async fn execute(&mut self, sql: &str) -> std::result::Result<(), sqlx::Error> {
        super::execute(self.connection.get(), sql).await
    }

    /// Releases the lock and closes; a pooled connection gets its session back as it was.
    pub(crate) async fn close(mut self) {
        let _ = self.unlock().await;
        if let Handle::Pooled(_) = self.connection {
            if self.session_ready {
                let _ = self
                    .execute("DROP TRIGGER IF EXISTS temp.aurora_foreign_key_check; DROP VIEW IF EXISTS temp.aurora_foreign_key_check")
                    .await;
                if let Ok(mut handle) = self.raw().lock_handle().await {
                    handle.remove_progress_handler();
                }
            }
            if self.restore_foreign_keys {
                let _ = self.execute("PRAGMA foreign_keys = ON").await;
            }
            if self.step_busy.is_some() {
                let restore = format!("PRAGMA busy_timeout = {}", self.busy_timeout.as_millis());
                let _ = self.execute(&restore).await;
            }
        }
        self.connection.close().await;
    }

    #[cfg(feature = "autogenerate")]
    pub(crate) async fn introspect(
        &mut self,
        ignored: &crate::bookkeeping::Ours,
    ) -> std::result::Result<super::Introspection, sqlx::Error> {
        introspect::introspect(self.raw(), ignored).await
    }
}

/// Whether the check of every foreign key can be skipped: the check scans every table, and
/// statements that only create objects, or add a column that references nothing, cannot leave
/// a row pointing at nothing.
/// The batch stopped because the interrupt was raised, not because a statement failed.
fn interrupted(work: &Work<'_>, error: &sqlx::Error) -> bool {
    work.interrupt.is_some_and(|i| i.raised().is_some())
        && error
            .as_database_error()
            .and_then(|e| e.code())
            .is_some_and(|code| code == SQLITE_INTERRUPT)
}

#[cfg(test)]
mod tests;
