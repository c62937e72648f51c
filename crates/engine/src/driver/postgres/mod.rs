//! PostgreSQL: an advisory lock polled with `pg_try_advisory_lock` (so a waiting runner never
//! holds a snapshot that `CREATE INDEX CONCURRENTLY` would wait for), and each transactional
//! step sent as one simple-query message: `BEGIN; ...; bookkeeping; COMMIT`. Everything this
//! database knows lives in this folder; must not import the runner.

#[cfg(feature = "autogenerate")]
mod introspect;
#[cfg(feature = "autogenerate")]
pub(crate) mod render;
mod scratch;
pub(crate) mod script;

pub(crate) use scratch::{create_database, drop_database};

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgDatabaseError, PgErrorPosition};
use sqlx::{AssertSqlSafe, ConnectOptions, Row};

use super::{Failure, Handle, LockWait, Work, database_message, run_batch};
use crate::bookkeeping::{Elapsed, LogEntry, RECORD_COLUMNS, Stored, StoredRecord, Tables};
use crate::error::{Error, Result};
use crate::url::DatabaseUrl;

pub struct Postgres {
    connection: Handle<sqlx::Postgres>,
    /// How to reach the server from a second connection, to cancel a statement.
    options: PgConnectOptions,
    locked: Option<i64>,
    pid: Option<i32>,
    /// The lease lock, when runners take that instead of the advisory lock.
    pub(crate) lease: Option<super::lease::Held>,
}

impl Postgres {
    pub async fn open(url: &DatabaseUrl, timeout: Duration) -> Result<Postgres> {
        let options = connect_options(url)?;
        let connection = match tokio::time::timeout(timeout, options.connect()).await {
            Err(_) => {
                return Err(Error::ConnectTimeout {
                    url: url.to_string(),
                    timeout,
                });
            }
            Ok(Err(e)) => return Err(super::connect_error(url, &e, "PostgreSQL")),
            Ok(Ok(connection)) => connection,
        };
        let mut connection = connection;
        if let Some(schema) = url.schema() {
            tenant_schema_reached(&mut connection, url, schema).await?;
        }
        Ok(Postgres {
            connection: Handle::Owned(connection),
            options,
            locked: None,
            pid: None,
            lease: None,
        })
    }

    /// A connection taken from the service's own pool.
    pub async fn from_pool(pool: &sqlx::PgPool) -> Result<Postgres> {
        let connection = pool
            .acquire()
            .await
            .map_err(|e| Error::database("cannot take a connection from the pool", e))?;
        Ok(Postgres {
            connection: Handle::Pooled(connection),
            options: (*pool.connect_options()).clone(),
            locked: None,
            pid: None,
            lease: None,
        })
    }

    /// The driver's connection.
    pub(crate) fn raw(&mut self) -> &mut PgConnection {
        self.connection.get()
    }

    /// Cancels the statement this connection runs, from a connection of its own; known once
    /// the lock is taken.
    pub fn canceller(&self) -> Option<impl std::future::Future<Output = ()> + use<>> {
        let (options, pid) = (self.options.clone(), self.pid?);
        Some(async move { cancel(&options, pid).await })
    }

    pub async fn lock(&mut self, tables: &Tables, timeout: Option<Duration>) -> Result<()> {
        let key = tables.lock_key();
        let mut wait = LockWait::new(
            Duration::from_millis(20),
            Duration::from_millis(500),
            timeout,
        );
        loop {
            // Every statement of the driver goes through the simple query protocol: a
            // transaction-pooling PgBouncer keeps no prepared statement for us.
            let sql = format!("SELECT pg_try_advisory_lock({key}), pg_backend_pid()");
            let (acquired, pid): (bool, i32) = sqlx::raw_sql(AssertSqlSafe(sql))
                .fetch_one(self.connection.get())
                .await
                .and_then(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                .map_err(|e| Error::database("cannot take the migration lock", e))?;
            self.pid = Some(pid);
            if acquired {
                self.locked = Some(key);
                return Ok(());
            }
            if let Err(waited) = wait
                .pause(&format!(
                    "another runner holds the migration lock for {}",
                    tables.version
                ))
                .await
            {
                let holder = self.lock_holder(key).await;
                return Err(Error::LockTimeout {
                    table: tables.version.clone(),
                    waited,
                    holder,
                });
            }
        }
    }

    /// Who holds the advisory lock `key`, from pg_stat_activity.
    async fn lock_holder(&mut self, key: i64) -> String {
        let sql = format!(
            "SELECT a.pid, coalesce(a.usename::text, ''), coalesce(a.application_name, ''), \
                    coalesce(host(a.client_addr), 'local socket'), coalesce(a.backend_start::text, '') \
               FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
              WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
                AND l.classid::bigint = {} AND l.objid::bigint = {} LIMIT 1",
            key >> 32,
            key & 0xffff_ffff
        );
        let row = sqlx::raw_sql(AssertSqlSafe(sql))
            .fetch_optional(self.connection.get())
            .await
            .and_then(|row| row.as_ref().map(holder).transpose());
        match row {
            Ok(Some((pid, user, application, client, since))) => {
                format!(
                    "server process {pid} (user {user}, application {application:?}, from {client}, connected since {since})"
                )
            }
            Ok(None) => "a session that has just released it".to_string(),
            Err(e) => format!(
                "a session pg_stat_activity does not show ({})",
                database_message(&e)
            ),
        }
    }

    pub async fn unlock(&mut self) -> Result<()> {
        if let Some(key) = self.locked.take() {
            sqlx::raw_sql(AssertSqlSafe(format!("SELECT pg_advisory_unlock({key})")))
                .execute(self.connection.get())
                .await
                .map_err(|e| Error::database("cannot release the migration lock", e))?;
        }
        Ok(())
    }

    pub async fn read(&mut self, tables: &Tables) -> Result<Stored> {
        let exists = format!(
            "SELECT to_regclass('{v}') IS NOT NULL, to_regclass('{l}') IS NOT NULL, \
             (SELECT string_agg(attname::text, ',') FROM pg_attribute \
               WHERE attrelid = to_regclass('{l}') AND attnum > 0 AND NOT attisdropped)",
            v = tables.version_sql(),
            l = tables.log_sql()
        );
        // The simple query protocol, here and below: no prepared statement is left on a server
        // connection a transaction-pooling PgBouncer may hand to another client next.
        let row = sqlx::raw_sql(AssertSqlSafe(exists))
            .fetch_one(self.connection.get())
            .await
            .map_err(|e| Error::database("cannot read the version table", e))?;
        let (has_version, has_log): (bool, bool) = (row.get(0), row.get(1));
        let columns: Vec<String> = row
            .get::<Option<String>, _>(2)
            .map(|c| c.split(',').map(str::to_string).collect())
            .unwrap_or_default();
        let outdated = has_log
            && !RECORD_COLUMNS
                .iter()
                .all(|c| columns.iter().any(|p| p == c));
        let mut sql = String::new();
        if has_version {
            sql.push_str(&format!(
                "SELECT 'v', version_num::text, NULL, NULL, NULL::bigint{} FROM {}",
                ", NULL::text".repeat(RECORD_COLUMNS.len()),
                tables.version_sql()
            ));
        }
        if has_log {
            if has_version {
                sql.push_str(" UNION ALL ");
            }
            let records = match outdated {
                true => ", NULL::text".repeat(RECORD_COLUMNS.len()),
                false => RECORD_COLUMNS
                    .iter()
                    .map(|c| format!(", {c}::text"))
                    .collect(),
            };
            sql.push_str(&format!(
                "SELECT 'l', revision::text, checksum::text, applied_at::text, execution_ms{records} FROM {}",
                tables.log_sql()
            ));
        }
        if sql.is_empty() {
            return Ok(Stored::default());
        }
        let rows = sqlx::raw_sql(AssertSqlSafe(sql))
            .fetch_all(self.connection.get())
            .await
            .map_err(|e| Error::database("cannot read the version table", e))?;
        let mut stored = Stored {
            tables_exist: has_version && has_log,
            outdated_log: outdated.then_some(columns),
            ..Stored::default()
        };
        for row in rows {
            let tag: String = row.get(0);
            let revision: String = row.get(1);
            if tag == "v" {
                stored.rows.push(revision);
            } else {
                stored.log.push(LogEntry {
                    revision,
                    checksum: row.get(2),
                    applied_at: row.get(3),
                    execution_ms: row.get(4),
                    record: StoredRecord::from_columns(std::array::from_fn(|i| row.get(5 + i))),
                });
            }
        }
        Ok(stored)
    }

    pub async fn run_in_transaction(&mut self, statements: &[String]) -> Result<()> {
        super::run_in_transaction(self.connection.get(), script::BEGIN, statements).await
    }

    pub async fn apply(&mut self, work: &Work<'_>) -> std::result::Result<(), Failure> {
        if !work.transactional {
            return self.apply_alone(work).await;
        }
        // One message: the server runs it statement by statement and stops at the first error,
        // after one CommandComplete per statement that succeeded.
        let script::Batch {
            text: batch,
            starts,
            leading,
            ..
        } = script::step(work);
        let probe = self.blocker_probe(work);
        let (completed, failure) = run_batch(self.connection.get(), batch).await;
        let Some(error) = failure else {
            if let Some(probe) = probe {
                probe.abort();
            }
            return Ok(());
        };
        let _ = super::execute(self.connection.get(), "ROLLBACK").await;
        // The first completions are BEGIN (or the mark) and the lock timeout.
        let index = completed.saturating_sub(leading);
        let (statement, line_offset) = match position(&error) {
            Some(at) => locate(work, &starts, at),
            None => ((index < work.statements.len()).then_some(index), 0),
        };
        let lock_timeout = is_lock_timeout(&error);
        let holder = match (probe, lock_timeout) {
            (Some(probe), true) => probe.await.ok().flatten(),
            (Some(probe), false) => {
                probe.abort();
                None
            }
            (None, _) => None,
        };
        Err(Failure {
            statement,
            line_offset,
            message: database_message(&error),
            interrupted: false,
            lock_timeout,
            holder,
            attempts: 1,
            nothing_kept: false,
        })
    }

    /// Several transactional steps in one message: each `BEGIN; ...; COMMIT` commits by itself,
    /// and the server runs nothing of the message after a statement that failed. On failure the
    /// open transaction is rolled back, and the answer is how many steps committed.
    pub async fn apply_group(&mut self, works: &[Work<'_>]) -> std::result::Result<(), usize> {
        let batches: Vec<script::Batch> = works.iter().map(script::step).collect();
        let mut text = String::new();
        for batch in &batches {
            text.push_str(&batch.text);
            text.push_str(";\n");
        }
        let (completed, failure) = run_batch(self.connection.get(), text).await;
        if failure.is_none() {
            return Ok(());
        }
        let _ = super::execute(self.connection.get(), "ROLLBACK").await;
        let mut counted = 0;
        let committed = batches
            .iter()
            .take_while(|batch| {
                counted += batch.completions;
                counted <= completed
            })
            .count();
        Err(committed)
    }

    /// On the last attempt, a second connection looks, halfway through the lock timeout, at
    /// who blocks this one (`pg_blocking_pids`), so that the failure can name them.
    fn blocker_probe(&self, work: &Work<'_>) -> Option<tokio::task::JoinHandle<Option<String>>> {
        let (timeout, pid) = (work.lock_timeout?, self.pid?);
        if !work.final_attempt {
            return None;
        }
        let options = self.options.clone();
        let halfway = tokio::time::Instant::now() + timeout / 2;
        Some(tokio::spawn(async move {
            // Connected first, so that the look falls inside the wait however slow that is.
            let mut connection = options.connect().await.ok()?;
            tokio::time::sleep_until(halfway).await;
            let found = blockers(&mut connection, pid).await;
            let _ = sqlx::Connection::close(connection).await;
            found
        }))
    }

    /// `Transaction: none`: each statement alone (CONCURRENTLY refuses a multi-statement
    /// message), then the bookkeeping in its own transaction.
    async fn apply_alone(&mut self, work: &Work<'_>) -> std::result::Result<(), Failure> {
        let started = std::time::Instant::now();
        for (index, statement) in work.statements.iter().enumerate() {
            if let Some(timeout) = work.lock_timeout {
                // CONCURRENTLY waits out other transactions, and a timeout in that wait would
                // leave an invalid index behind: it waits as long as it takes.
                let concurrently = statement.text.to_ascii_uppercase().contains("CONCURRENTLY");
                let ms = if concurrently {
                    0
                } else {
                    timeout.as_millis().max(1)
                };
                let set = format!("SET lock_timeout = '{ms}ms'");
                if let Err(e) = super::execute(self.connection.get(), &set).await {
                    return Err(Failure::new(Some(index), database_message(&e)));
                }
            }
            if let Err(e) = sqlx::raw_sql(AssertSqlSafe(statement.text.clone()))
                .execute(self.connection.get())
                .await
            {
                let line_offset = match position(&e) {
                    Some(at) => newlines_before(&statement.text, at),
                    None => 0,
                };
                let _ = super::execute(self.connection.get(), "SET lock_timeout = DEFAULT").await;
                return Err(Failure {
                    statement: Some(index),
                    line_offset,
                    message: database_message(&e),
                    interrupted: false,
                    lock_timeout: is_lock_timeout(&e),
                    holder: None,
                    attempts: 1,
                    nothing_kept: false,
                });
            }
        }
        if work.lock_timeout.is_some() {
            let _ = super::execute(self.connection.get(), "SET lock_timeout = DEFAULT").await;
        }
        let bookkeeping = (work.bookkeeping)(Elapsed::Millis(started.elapsed().as_millis()));
        self.run_in_transaction(&bookkeeping)
            .await
            .map_err(|e| Failure::new(None, e.to_string()))
    }

    pub async fn close(mut self) {
        let _ = self.unlock().await;
        self.connection.close().await;
    }

    #[cfg(feature = "autogenerate")]
    pub async fn introspect(
        &mut self,
        ignored: &[&str],
    ) -> std::result::Result<super::Introspection, sqlx::Error> {
        introspect::introspect(self.raw(), ignored).await
    }
}

/// A tenant's schema must be the session's: a pooler that drops the startup `options` (as
/// PgBouncer does) would otherwise let its migrations land in another schema.
async fn tenant_schema_reached(
    connection: &mut PgConnection,
    url: &DatabaseUrl,
    schema: &str,
) -> Result<()> {
    let current: Option<String> = sqlx::raw_sql(AssertSqlSafe("SELECT current_schema()"))
        .fetch_one(&mut *connection)
        .await
        .and_then(|row| row.try_get(0))
        .map_err(|e| Error::database("cannot read the session's schema", e))?;
    // A schema not made yet reads as none: the run creates it.
    if current.as_deref().is_none_or(|c| c == schema) {
        return Ok(());
    }
    Err(Error::Connect {
        url: url.to_string(),
        message: format!(
            "the session works in schema `{}`, not the tenant's `{schema}`: the search path did not reach the server \
             (a pooler such as PgBouncer drops it); reach the database directly for a tenant kept in a schema",
            current.unwrap_or_default()
        ),
    })
}

/// PostgreSQL's `lock_not_available`: a lock timeout ran out.
fn is_lock_timeout(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "55P03")
}

/// The sessions blocking server process `pid`, as a person reads them.
async fn blockers(connection: &mut PgConnection, pid: i32) -> Option<String> {
    let sql = format!(
        "SELECT a.pid, coalesce(a.usename::text, ''), coalesce(a.application_name, ''), \
                coalesce(a.state, ''), coalesce(a.xact_start::text, '') \
           FROM pg_stat_activity a WHERE a.pid = ANY(pg_blocking_pids({pid})) ORDER BY a.pid"
    );
    let rows: Vec<Holder> = sqlx::raw_sql(AssertSqlSafe(sql))
        .fetch_all(connection)
        .await
        .and_then(|rows| rows.iter().map(holder).collect())
        .ok()?;
    let holders: Vec<String> = rows
        .into_iter()
        .map(|(pid, user, application, state, since)| {
            format!("server process {pid} (user {user}, application {application:?}, {state}, in a transaction since {since})")
        })
        .collect();
    (!holders.is_empty()).then(|| holders.join("; "))
}

/// Cancels the statement that server process `pid` runs.
async fn cancel(options: &PgConnectOptions, pid: i32) {
    if let Ok(mut connection) = options.connect().await {
        let _ = sqlx::raw_sql(AssertSqlSafe(format!("SELECT pg_cancel_backend({pid})")))
            .execute(&mut connection)
            .await;
        let _ = sqlx::Connection::close(connection).await;
    }
}

/// The driver's options for `url`, with what its parser gets wrong set right: an IPv6 host
/// without brackets, and, for a URL that names no user, the operating system's user (as libpq).
pub(crate) fn connect_options(url: &DatabaseUrl) -> Result<PgConnectOptions> {
    let mut options = PgConnectOptions::from_str(url.driver_url())
        .map_err(|e| Error::Connect {
            url: url.to_string(),
            message: url.scrub(&e.to_string()),
        })?
        .application_name("aurora-migrate");
    if let Some(host) = url.bare_ipv6_host() {
        options = options.host(host);
    }
    if let Some(schema) = url.schema() {
        options = options.options([("search_path", crate::sql::quote(schema))]);
    }
    if url.names_no_user()
        && std::env::var_os("PGUSER").is_none()
        && let Some(user) = super::os_user()
    {
        options = options.username(&user);
    }
    Ok(options)
}

/// The 0-based character position the server gave for the error, if any.
fn position(error: &sqlx::Error) -> Option<usize> {
    let db = error
        .as_database_error()?
        .try_downcast_ref::<PgDatabaseError>()?;
    match db.position()? {
        PgErrorPosition::Original(at) => Some(at.saturating_sub(1)),
        PgErrorPosition::Internal { .. } => None,
    }
}

fn locate(work: &Work<'_>, starts: &[usize], at: usize) -> (Option<usize>, usize) {
    match starts.iter().rposition(|&start| start <= at) {
        Some(index) => (
            Some(index),
            newlines_before(&work.statements[index].text, at - starts[index]),
        ),
        None => (None, 0),
    }
}

fn newlines_before(text: &str, chars: usize) -> usize {
    text.chars().take(chars).filter(|&c| c == '\n').count()
}

/// pid, user, application, client address (or state), connected (or in a transaction) since.
type Holder = (i32, String, String, String, String);

fn holder(row: &sqlx::postgres::PgRow) -> std::result::Result<Holder, sqlx::Error> {
    Ok((
        row.try_get(0)?,
        row.try_get(1)?,
        row.try_get(2)?,
        row.try_get(3)?,
        row.try_get(4)?,
    ))
}
