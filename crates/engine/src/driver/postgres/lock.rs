//! The advisory lock of PostgreSQL, polled, and the holder named from pg_stat_activity when a
//! wait runs out; cancelling a running statement from a connection of its own. Must not import
//! the runner.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Row};

use super::Postgres;
use crate::bookkeeping::Tables;
use crate::driver::{LockWait, database_message};
use crate::error::{Error, Result};

impl Postgres {
    pub(crate) async fn lock(&mut self, tables: &Tables, timeout: Option<Duration>) -> Result<()> {
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
        match self.advisory_holder(key).await {
            Ok(Some(holder)) => holder,
            Ok(None) => "a session that has just released it".to_string(),
            Err(e) => format!(
                "a session pg_stat_activity does not show ({})",
                database_message(&e)
            ),
        }
    }

    /// The session holding the advisory lock `key` in this database, if one does. pg_locks
    /// shows every session's locks, so this holds behind a pooler too.
    pub(crate) async fn advisory_holder(
        &mut self,
        key: i64,
    ) -> std::result::Result<Option<String>, sqlx::Error> {
        let sql = format!(
            "SELECT l.pid, coalesce(a.usename::text, ''), coalesce(a.application_name, ''), \
                    coalesce(host(a.client_addr), 'local socket'), coalesce(a.backend_start::text, '') \
               FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid \
              WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                AND l.classid::bigint = {} AND l.objid::bigint = {} LIMIT 1",
            key >> 32,
            key & 0xffff_ffff
        );
        let row = sqlx::raw_sql(AssertSqlSafe(sql))
            .fetch_optional(self.connection.get())
            .await?;
        Ok(row.as_ref().map(holder).transpose()?.map(
            |(pid, user, application, client, since)| {
                format!(
                    "server process {pid} (user {user}, application {application:?}, from {client}, connected since {since})"
                )
            },
        ))
    }

    pub(crate) async fn unlock(&mut self) -> Result<()> {
        if let Some(key) = self.locked.take() {
            sqlx::raw_sql(AssertSqlSafe(format!("SELECT pg_advisory_unlock({key})")))
                .execute(self.connection.get())
                .await
                .map_err(|e| Error::database("cannot release the migration lock", e))?;
        }
        Ok(())
    }
}

/// The sessions blocking server process `pid`, as a person reads them.
pub(super) async fn blockers(connection: &mut PgConnection, pid: i32) -> Option<String> {
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
pub(super) async fn cancel(options: &PgConnectOptions, pid: i32) {
    if let Ok(mut connection) = options.connect().await {
        let _ = sqlx::raw_sql(AssertSqlSafe(format!("SELECT pg_cancel_backend({pid})")))
            .execute(&mut connection)
            .await;
        let _ = sqlx::Connection::close(connection).await;
    }
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
