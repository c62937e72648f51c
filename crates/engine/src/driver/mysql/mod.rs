//! MySQL and MariaDB: `GET_LOCK` polled and released on every path, sessions in ANSI_QUOTES
//! (so identifiers quote the same on every database), and the step journal: DDL commits
//! implicitly and cannot roll back, so each statement of a migration is recorded as it runs,
//! and the journal is cleared with the bookkeeping in one transaction after the last. Everything
//! this database knows lives in this folder; must not import the runner.

pub(crate) mod backfill;
mod check;
#[cfg(feature = "autogenerate")]
mod introspect;
mod lock;
#[cfg(feature = "autogenerate")]
pub(crate) mod render;
mod scratch;
pub(crate) mod script;

#[cfg(feature = "autogenerate")]
pub(crate) use scratch::create_database;
pub(crate) use scratch::{databases_like, drop_database};

use std::str::FromStr;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Row};

use super::{Failure, Handle, Work, database_message, run_batch};
use crate::bookkeeping::statement_hash;
use crate::bookkeeping::{DirtyMark, LogEntry, RECORD_COLUMNS, Stored, StoredRecord, Tables};
use crate::error::{Error, Result};
use crate::sql::literal;
use crate::url::DatabaseUrl;
use aurora_migrate_core::Direction;
use script::Part;

pub(crate) struct Mysql {
    connection: Handle<sqlx::MySql>,
    /// A step set the session's lock timeouts: they are reset before the connection goes back.
    lock_timeouts_set: bool,
    locked: Option<String>,
    /// The lease lock, when runners take that instead of `GET_LOCK`.
    pub(crate) lease: Option<super::lease::Held>,
    /// A pooled connection's SQL mode before the runner's, set again when it goes back.
    restore_mode: Option<String>,
}

impl Mysql {
    pub(crate) async fn open(url: &DatabaseUrl, timeout: Duration) -> Result<Mysql> {
        super::certificates::check(url)?;
        let mut options =
            MySqlConnectOptions::from_str(url.driver_url()).map_err(|e| Error::Connect {
                url: url.to_string(),
                message: url.scrub(&database_message(&e)),
            })?;
        if let Some(host) = url.bare_ipv6_host() {
            options = options.host(host);
        }
        let mut connection = match tokio::time::timeout(timeout, options.connect()).await {
            Err(_) => {
                return Err(Error::ConnectTimeout {
                    url: url.to_string(),
                    timeout,
                });
            }
            Ok(Err(e)) => return Err(super::connect_error(url, &e, "MySQL")),
            Ok(Ok(connection)) => connection,
        };
        sqlx::raw_sql(script::ANSI_QUOTES)
            .execute(&mut connection)
            .await
            .map_err(|e| Error::database("cannot prepare the session", e))?;
        Ok(Mysql {
            lock_timeouts_set: false,
            connection: Handle::Owned(connection),
            locked: None,
            lease: None,
            restore_mode: None,
        })
    }

    /// A connection taken from the service's own pool; its SQL mode is set back when it goes
    /// back.
    pub(crate) async fn from_pool(pool: &sqlx::MySqlPool) -> Result<Mysql> {
        let mut connection = pool
            .acquire()
            .await
            .map_err(|e| Error::database("cannot take a connection from the pool", e))?;
        let prepare = |e| Error::database("cannot prepare the session", e);
        let mode: String = sqlx::query_scalar("SELECT CAST(@@SESSION.sql_mode AS CHAR)")
            .fetch_one(&mut *connection)
            .await
            .map_err(prepare)?;
        sqlx::raw_sql(script::ANSI_QUOTES)
            .execute(&mut *connection)
            .await
            .map_err(prepare)?;
        Ok(Mysql {
            lock_timeouts_set: false,
            connection: Handle::Pooled(connection),
            locked: None,
            lease: None,
            restore_mode: Some(mode),
        })
    }

    /// The driver's connection.
    pub(crate) fn raw(&mut self) -> &mut MySqlConnection {
        self.connection.get()
    }

    pub(crate) async fn read(&mut self, tables: &Tables) -> Result<Stored> {
        // A schema-qualified name names another database of the same server. The columns of
        // the three tables say which exist and whether the log holds records.
        // information_schema compares without case; the tables themselves do so only when
        // lower_case_table_names says, and each row says which rule holds.
        let columns: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), \
             CAST(@@lower_case_table_names <> 0 AS SIGNED) FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME IN (?, ?, ?, ?)",
        )
        .bind(tables.schema())
        .bind(tables.bare_version())
        .bind(tables.bare_log())
        .bind(tables.bare_dirty())
        .bind(tables.bare_steps())
        .fetch_all(self.connection.get())
        .await
        .map_err(|e| Error::database("cannot read the version table", e))?;
        let same = |table: &str, folded: i64, ours: &str| match folded {
            0 => table == ours,
            _ => table.eq_ignore_ascii_case(ours),
        };
        let has = |name: &str| columns.iter().any(|(table, _, f)| same(table, *f, name));
        let log_columns: Vec<String> = columns
            .iter()
            .filter(|(table, _, f)| same(table, *f, tables.bare_log()))
            .map(|(_, column, _)| column.to_ascii_lowercase())
            .collect();
        let outdated = has(tables.bare_log())
            && !RECORD_COLUMNS
                .iter()
                .all(|c| log_columns.iter().any(|p| p == c));
        let mut stored = Stored {
            journal_exists: has(tables.bare_steps()),
            tables_exist: has(tables.bare_version())
                && has(tables.bare_log())
                && has(tables.bare_dirty()),
            outdated_log: outdated.then(|| log_columns.clone()),
            ..Stored::default()
        };
        let failed = |e| Error::database("cannot read the version table", e);
        if has(tables.bare_version()) {
            let sql = format!(
                "SELECT CAST(version_num AS CHAR) FROM {}",
                tables.version_sql()
            );
            stored.rows = sqlx::query_scalar(AssertSqlSafe(sql))
                .fetch_all(self.connection.get())
                .await
                .map_err(failed)?;
        }
        if has(tables.bare_log()) {
            let records: String = match outdated {
                true => ", NULL".repeat(RECORD_COLUMNS.len()),
                false => RECORD_COLUMNS
                    .iter()
                    .map(|c| format!(", CAST({c} AS CHAR)"))
                    .collect(),
            };
            let sql = format!(
                "SELECT CAST(revision AS CHAR), CAST(checksum AS CHAR), CAST(applied_at AS CHAR), execution_ms{records} FROM {}",
                tables.log_sql()
            );
            let rows = sqlx::query(AssertSqlSafe(sql))
                .fetch_all(self.connection.get())
                .await
                .map_err(failed)?;
            stored.log = rows
                .iter()
                .map(|r| LogEntry {
                    revision: r.get(0),
                    checksum: r.get(1),
                    applied_at: r.get(2),
                    execution_ms: r.get(3),
                    record: StoredRecord::from_columns(std::array::from_fn(|i| r.get(4 + i))),
                })
                .collect();
        }
        if has(tables.bare_dirty()) {
            let sql = format!(
                "SELECT CAST(revision AS CHAR), CAST(direction AS CHAR), CAST(failed_statement AS CHAR), CAST(message AS CHAR) FROM {}",
                tables.dirty_sql()
            );
            let rows = sqlx::query(AssertSqlSafe(sql))
                .fetch_all(self.connection.get())
                .await
                .map_err(failed)?;
            stored.dirty = rows
                .iter()
                .map(|r| {
                    let direction: String = r.get(1);
                    // A mark this program did not write is not guessed at.
                    let direction = Direction::from_name(&direction).ok_or_else(|| {
                        failed(sqlx::Error::Decode(
                            format!("a dirty mark's direction is `{direction}`, neither upgrade nor downgrade").into(),
                        ))
                    })?;
                    Ok(DirtyMark {
                        revision: r.get(0),
                        direction,
                        failed_statement: r.get(2),
                        message: r.get(3),
                    })
                })
                .collect::<Result<_>>()?;
        }
        if has(tables.bare_steps()) {
            let rows = sqlx::query(AssertSqlSafe(tables.journal_select("", "CHAR")))
                .fetch_all(self.connection.get())
                .await
                .map_err(failed)?;
            stored.journal = rows
                .iter()
                .map(|r| super::journal_row(r, 0))
                .collect::<Result<_>>()?;
        }
        Ok(stored)
    }

    pub(crate) async fn run_in_transaction(&mut self, statements: &[String]) -> Result<()> {
        super::run_in_transaction(self.connection.get(), script::BEGIN, statements).await
    }

    /// Runs the step's statements, each with its step journal rows, then the bookkeeping
    /// with the journal's removal. All of it travels in one multi-statement message: the
    /// server runs it in order and stops at the first error, after one result per statement
    /// that succeeded, which says where it stopped.
    pub(crate) async fn apply(&mut self, work: &Work<'_>) -> std::result::Result<(), Failure> {
        let (batch, parts) = script::step(work);
        self.lock_timeouts_set |= work.lock_timeout.is_some();
        let (completed, failure) = run_batch(self.connection.get(), batch).await;
        let Some(error) = failure else {
            return Ok(());
        };
        let message = database_message(&error);
        let lock_timeout = is_lock_timeout(&error);
        let holder = match (lock_timeout, work.final_attempt) {
            (true, true) => self.transactions_open().await,
            _ => None,
        };
        // An open transaction (a data change's, or the bookkeeping's) rolls back.
        let _ = self.execute("ROLLBACK").await;
        let failure = |statement: Option<usize>, message: String| Failure {
            lock_timeout,
            holder: holder.clone(),
            ..Failure::new(statement, message)
        };
        Err(match parts.get(completed).copied() {
            Some(Part::Statement(index) | Part::Open(index)) => {
                self.record_failed(work, index, &message).await;
                failure(Some(index), message)
            }
            Some(Part::Started(index)) => failure(
                Some(index),
                format!("cannot record the statement's start in the step journal: {message}"),
            ),
            Some(Part::Done(index)) if script::data_change(&work.statements[index].text) => {
                // Its transaction rolled back with the row: it took no effect.
                self.record_failed(work, index, &message).await;
                failure(Some(index), message)
            }
            // The statement ran: a retry must not run it again, whatever stopped its row.
            Some(Part::Done(index)) => Failure {
                lock_timeout: false,
                ..failure(
                    Some(index),
                    format!(
                        "the statement ran, but its row in the step journal could not be written ({message}): \
                         the next run checks whether it took effect before going on"
                    ),
                )
            },
            Some(Part::Setup | Part::Bookkeeping) | None => failure(None, message),
        })
    }

    /// Statement `index` of `work` failed and took no effect: its journal row says so.
    async fn record_failed(&mut self, work: &Work<'_>, index: usize, message: &str) {
        let Some(journal) = &work.journal else {
            return;
        };
        let failed = journal.tables.journal_failed(
            aurora_migrate_core::Database::Mysql,
            journal.key(index),
            &statement_hash(&work.statements[index].text),
            journal.who,
            message,
        );
        let _ = self.execute(&failed).await;
    }

    /// The other sessions with a transaction open: who may hold the lock that ran out.
    async fn transactions_open(&mut self) -> Option<String> {
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT CAST(t.trx_mysql_thread_id AS SIGNED), CAST(COALESCE(p.USER, '') AS CHAR), \
                    CAST(COALESCE(p.HOST, '') AS CHAR), CAST(t.trx_started AS CHAR) \
               FROM information_schema.INNODB_TRX t \
               LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id \
              WHERE t.trx_mysql_thread_id <> CONNECTION_ID() ORDER BY t.trx_started",
        )
        .fetch_all(self.connection.get())
        .await
        .ok()?;
        let holders: Vec<String> = rows
            .into_iter()
            .map(|(id, user, host, since)| {
                format!(
                    "connection {id} (user {user}, from {host}, in a transaction since {since})"
                )
            })
            .collect();
        (!holders.is_empty()).then(|| holders.join("; "))
    }

    async fn execute(&mut self, sql: &str) -> std::result::Result<(), sqlx::Error> {
        super::execute(self.connection.get(), sql).await
    }

    /// Releases the lock and closes; a pooled connection gets its SQL mode and lock
    /// timeouts back.
    pub(crate) async fn close(mut self) {
        let _ = self.unlock().await;
        if self.lock_timeouts_set {
            let reset =
                "SET SESSION lock_wait_timeout = DEFAULT, innodb_lock_wait_timeout = DEFAULT";
            let _ = self.execute(reset).await;
        }
        if let Some(mode) = self.restore_mode.take() {
            let restore = format!("SET SESSION sql_mode = {}", literal(&mode));
            let _ = self.execute(&restore).await;
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

/// ER_LOCK_WAIT_TIMEOUT (1205): a lock wait timeout ran out.
fn is_lock_timeout(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>())
        .is_some_and(|e| e.number() == 1205)
}
