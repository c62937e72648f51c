//! SQLite: runners are serialised by an exclusive lock on the database file (`lock.rs`); each
//! step runs in one transaction, sent to the driver's worker thread as one batch.

mod lock;
mod read;

use std::fs::File;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection as _, Row};

use super::{Failure, Work, database_message, run_batch};
use crate::error::{Error, Result};
use crate::runner::history::Elapsed;
use crate::runner::interrupt::Interrupt;
use crate::url::DatabaseUrl;

pub struct Sqlite {
    connection: SqliteConnection,
    path: Option<std::path::PathBuf>,
    lock: Option<File>,
    /// True while a transactional migration runs: only those may be stopped mid-statement.
    interruptible: Arc<AtomicBool>,
    session_ready: bool,
    /// How long SQLite itself waits for a lock another connection holds.
    busy_timeout: Duration,
}

/// A TEMP view whose INSERT trigger fails when a row breaks a foreign key: it lets the check
/// travel in the migration's batch and stop it before the bookkeeping and the commit. TEMP
/// objects live with the connection and never touch the database file.
const GUARD_DDL: &str = "CREATE TEMP VIEW IF NOT EXISTS aurora_foreign_key_check(ok) AS SELECT 1 WHERE 0;
CREATE TEMP TRIGGER IF NOT EXISTS aurora_foreign_key_check INSTEAD OF INSERT ON aurora_foreign_key_check
BEGIN SELECT RAISE(ABORT, 'foreign key check failed') WHERE EXISTS (SELECT 1 FROM pragma_foreign_key_check); END";
const GUARD_CALL: &str = "INSERT INTO temp.aurora_foreign_key_check VALUES (1);\n";

/// Virtual-machine steps between two looks at the interrupt: microseconds apart.
const PROGRESS_STEPS: i32 = 10_000;

/// SQLite's result code for a statement stopped by the progress handler.
const SQLITE_INTERRUPT: &str = "9";

impl Sqlite {
    pub async fn open(url: &DatabaseUrl, create: bool, timeout: Duration) -> Result<Sqlite> {
        let connect_error = |message: String| Error::Connect {
            url: url.to_string(),
            message,
        };
        let options = SqliteConnectOptions::from_str(url.driver_url())
            .map_err(|e| connect_error(e.to_string()))?
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
            connection,
            path: url.sqlite_path().cloned(),
            lock: None,
            interruptible: Arc::default(),
            session_ready: false,
            busy_timeout: timeout,
        })
    }

    /// The driver's connection, for schema introspection.
    pub(crate) fn raw(&mut self) -> &mut SqliteConnection {
        &mut self.connection
    }

    pub async fn run_in_transaction(&mut self, statements: &[String]) -> Result<()> {
        super::run_in_transaction(&mut self.connection, "BEGIN IMMEDIATE", statements).await
    }

    pub async fn apply(&mut self, work: &Work<'_>) -> std::result::Result<(), Failure> {
        if !work.transactional {
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
        // Inside the run's transaction a step is a savepoint: the first result is still not
        // one of the migration's statements.
        let (opening, closing) = if work.enclosed {
            ("SAVEPOINT aurora_step;\n", "RELEASE aurora_step")
        } else {
            ("BEGIN IMMEDIATE;\n", "COMMIT")
        };
        let mut batch = String::from(opening);
        for statement in work.statements {
            batch.push_str(&statement.text);
            batch.push_str(";\n");
        }
        let checks_keys = !references_stay_intact(work);
        if checks_keys {
            batch.push_str(GUARD_CALL);
        }
        for statement in (work.bookkeeping)(Elapsed::SinceEpochMillis(since)) {
            batch.push_str(&statement);
            batch.push_str(";\n");
        }
        batch.push_str(closing);
        self.interruptible.store(true, Ordering::SeqCst);
        let (completed, error) = run_batch(&mut self.connection, batch).await;
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
        Err(failure)
    }

    /// `Transaction: none`: each statement alone, then the bookkeeping in its own transaction.
    async fn apply_alone(&mut self, work: &Work<'_>) -> std::result::Result<(), Failure> {
        let started = Instant::now();
        for (index, statement) in work.statements.iter().enumerate() {
            if let Err(e) = self.execute(&statement.text).await {
                return Err(Failure::new(Some(index), database_message(&e)));
            }
        }
        if !references_stay_intact(work) {
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
        self.execute(GUARD_DDL).await?;
        if let Some(interrupt) = interrupt {
            let interrupt = interrupt.clone();
            let interruptible = Arc::clone(&self.interruptible);
            self.connection
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
            .fetch_all(&mut self.connection)
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
        super::execute(&mut self.connection, sql).await
    }

    pub async fn close(mut self) {
        let _ = self.unlock();
        let _ = self.connection.close().await;
    }
}

/// Whether the check of every foreign key can be skipped: the check scans every table, and
/// statements that only create objects, or add a column that references nothing, cannot leave
/// a row pointing at nothing.
fn references_stay_intact(work: &Work<'_>) -> bool {
    work.statements
        .iter()
        .all(|s| leaves_references_intact(&s.text))
}

fn leaves_references_intact(statement: &str) -> bool {
    let upper = statement.to_ascii_uppercase();
    let words: Vec<&str> = upper.split_ascii_whitespace().take(4).collect();
    match words.as_slice() {
        ["CREATE", ..] => true,
        ["ALTER", "TABLE", _, "ADD"] => !upper.contains("REFERENCES"),
        _ => false,
    }
}

#[cfg(test)]
#[test]
fn only_creations_and_plain_added_columns_skip_the_foreign_key_check() {
    for safe in [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p (id))",
        "create index ix on t (p)",
        "ALTER TABLE t ADD COLUMN c INTEGER",
        "alter table t\n  add c TEXT NOT NULL DEFAULT ''",
    ] {
        assert!(leaves_references_intact(safe), "{safe}");
    }
    for checked in [
        "ALTER TABLE t ADD COLUMN p INTEGER DEFAULT 7 REFERENCES p (id)",
        "ALTER TABLE t RENAME TO u",
        "INSERT INTO t VALUES (1, 2)",
        "DROP TABLE p",
        "UPDATE t SET p = 9",
    ] {
        assert!(!leaves_references_intact(checked), "{checked}");
    }
}

/// The batch stopped because the interrupt was raised, not because a statement failed.
fn interrupted(work: &Work<'_>, error: &sqlx::Error) -> bool {
    work.interrupt.is_some_and(|i| i.raised().is_some())
        && error
            .as_database_error()
            .and_then(|e| e.code())
            .is_some_and(|code| code == SQLITE_INTERRUPT)
}
