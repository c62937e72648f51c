//! SQLite: runners are serialised by an exclusive lock on the database file (SQLite's own
//! locks are per transaction, a run spans many); each step runs in one transaction.

use std::fs::File;
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection as _, Row};

use super::{Failure, LockWait, LogEntry, Stored, Work, database_message};
use crate::error::{Error, Result};
use crate::runner::history::{Elapsed, Tables};
use crate::url::DatabaseUrl;

pub struct Sqlite {
    connection: SqliteConnection,
    path: Option<std::path::PathBuf>,
    lock: Option<File>,
}

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
        })
    }

    /// The driver's connection, for schema introspection.
    pub(crate) fn raw(&mut self) -> &mut SqliteConnection {
        &mut self.connection
    }

    pub async fn lock(&mut self, timeout: Option<Duration>) -> Result<()> {
        let Some(path) = &self.path else {
            return Ok(()); // in memory: no other process can see it
        };
        let lock_error = |message: String| Error::FileLock {
            path: path.display().to_string(),
            message,
        };
        let file = File::open(path).map_err(|e| lock_error(e.to_string()))?;
        let mut wait = LockWait::new(
            Duration::from_millis(5),
            Duration::from_millis(200),
            timeout,
        );
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    if let Err(waited) =
                        wait.pause(&format!("the lock on {}", path.display())).await
                    {
                        return Err(Error::LockTimeout {
                            table: path.display().to_string(),
                            waited,
                            holder: "another process that has the database file locked".into(),
                        });
                    }
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(lock_error(e.to_string())),
            }
        }
        self.lock = Some(file);
        Ok(())
    }

    pub fn unlock(&mut self) -> Result<()> {
        if let Some(file) = self.lock.take() {
            file.unlock().map_err(|e| Error::FileLock {
                path: self.path_text(),
                message: e.to_string(),
            })?;
        }
        Ok(())
    }

    fn path_text(&self) -> String {
        self.path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| ":memory:".into())
    }

    pub async fn read(&mut self, tables: &Tables) -> Result<Stored> {
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?1, ?2)",
        )
        .bind(&tables.version)
        .bind(&tables.log)
        .fetch_all(&mut self.connection)
        .await
        .map_err(|e| Error::database("cannot read the version table", e))?;
        let mut stored = Stored {
            tables_exist: names.len() == 2,
            ..Stored::default()
        };
        if names.contains(&tables.version) {
            stored.rows = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT version_num FROM {}",
                tables.version_sql()
            )))
            .fetch_all(&mut self.connection)
            .await
            .map_err(|e| Error::database("cannot read the version table", e))?;
        }
        if names.contains(&tables.log) {
            let sql = format!(
                "SELECT revision, checksum, CAST(applied_at AS TEXT), execution_ms FROM {}",
                tables.log_sql()
            );
            let rows = sqlx::query(AssertSqlSafe(sql))
                .fetch_all(&mut self.connection)
                .await
                .map_err(|e| Error::database("cannot read the migration log", e))?;
            stored.log = rows
                .iter()
                .map(|row| LogEntry {
                    revision: row.get(0),
                    checksum: row.get(1),
                    applied_at: row.get(2),
                    execution_ms: row.get(3),
                })
                .collect();
        }
        Ok(stored)
    }

    pub async fn run_in_transaction(&mut self, statements: &[String]) -> Result<()> {
        self.execute("BEGIN IMMEDIATE")
            .await
            .map_err(|e| Error::database("cannot start a transaction", e))?;
        for statement in statements {
            if let Err(e) = self.execute(statement).await {
                let _ = self.execute("ROLLBACK").await;
                return Err(Error::database("cannot write the version table", e));
            }
        }
        self.execute("COMMIT")
            .await
            .map_err(|e| Error::database("cannot commit", e))
    }

    pub async fn apply(&mut self, work: &Work<'_>) -> std::result::Result<(), Failure> {
        let started = Instant::now();
        let fail = |statement, e: &sqlx::Error| Failure::new(statement, database_message(e));
        // BEGIN travels with the first statement: one call less to the driver's worker thread.
        let mut begin = work.transactional;
        for (index, statement) in work.statements.iter().enumerate() {
            if work.transactional && work.interrupt.is_some_and(|i| i.raised().is_some()) {
                if !begin {
                    let _ = self.execute("ROLLBACK").await;
                }
                return Err(Failure {
                    interrupted: true,
                    ..Failure::new(Some(index), "interrupted".into())
                });
            }
            let sql = if begin {
                format!("BEGIN IMMEDIATE;\n{}", statement.text)
            } else {
                statement.text.clone()
            };
            if let Err(e) = self.execute(&sql).await {
                if work.transactional {
                    let _ = self.execute("ROLLBACK").await;
                }
                return Err(fail(Some(index), &e));
            }
            begin = false;
        }
        if begin {
            self.execute("BEGIN IMMEDIATE")
                .await
                .map_err(|e| fail(None, &e))?;
        }
        let only_creates = work.statements.iter().all(|s| {
            s.text
                .trim_start()
                .get(..6)
                .is_some_and(|w| w.eq_ignore_ascii_case("CREATE"))
        });
        // Statements that only create objects cannot break a reference; the check scans every
        // table, so it is skipped for them.
        if !only_creates && let Err(failure) = self.foreign_key_check().await {
            if work.transactional {
                let _ = self.execute("ROLLBACK").await;
            }
            return Err(failure);
        }
        let bookkeeping = (work.bookkeeping)(Elapsed::Millis(started.elapsed().as_millis()));
        if !work.transactional {
            return self
                .run_in_transaction(&bookkeeping)
                .await
                .map_err(|e| Failure::new(None, e.to_string()));
        }
        // The bookkeeping and the commit in one call: SQLite runs them in order and stops at
        // the first error.
        let closing = format!("{};\nCOMMIT", bookkeeping.join(";\n"));
        if let Err(e) = self.execute(&closing).await {
            let _ = self.execute("ROLLBACK").await;
            return Err(fail(None, &e));
        }
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
        sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
            .execute(&mut self.connection)
            .await
            .map(|_| ())
    }

    pub async fn close(mut self) {
        let _ = self.unlock();
        let _ = self.connection.close().await;
    }
}
