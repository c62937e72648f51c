//! Throwaway databases on a PostgreSQL server: created beside the configured one and dropped
//! after; those left behind listed with their sessions and dropped unless in use. Must not
//! import the runner.

use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection as _, Executor, Row};

use crate::error::{Error, Result};
use crate::sql::quote;
use crate::url::DatabaseUrl;

/// Creates the database `name` on `server`'s server.
#[cfg(feature = "autogenerate")]
pub(crate) async fn create_database(server: &DatabaseUrl, name: &str) -> Result<()> {
    admin(server, &format!("CREATE DATABASE {}", quote(name))).await
}

/// Drops the database `name`, closing its sessions.
#[cfg(feature = "autogenerate")]
pub(crate) async fn drop_database(server: &DatabaseUrl, name: &str) -> Result<()> {
    admin(
        server,
        &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote(name)),
    )
    .await
}

/// The databases whose names start with one of `prefixes`, each with the number of sessions
/// connected to it (pg_stat_activity).
pub(crate) async fn databases_like(
    server: &DatabaseUrl,
    prefixes: &[&str],
) -> Result<Vec<(String, u64)>> {
    let mut connection = connect(server).await?;
    let patterns: Vec<String> = prefixes
        .iter()
        .map(|p| format!("{}%", p.replace('_', "\\_")))
        .collect();
    let rows = sqlx::query(
        "SELECT d.datname::text, (SELECT count(*) FROM pg_stat_activity a WHERE a.datname = d.datname) \
         FROM pg_database d WHERE d.datname LIKE ANY($1) ORDER BY 1",
    )
    .bind(&patterns)
    .fetch_all(&mut connection)
    .await;
    let _ = connection.close().await;
    let rows =
        rows.map_err(|e| Error::database(format!("cannot list the databases on {server}"), e))?;
    Ok(rows
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1).max(0) as u64))
        .collect())
}

/// Drops the database `name` unless a session is connected to it: `false` when one is (the
/// server refuses, so nobody's work is cut short).
pub(crate) async fn drop_if_unused(server: &DatabaseUrl, name: &str) -> Result<bool> {
    match admin(server, &format!("DROP DATABASE IF EXISTS {}", quote(name))).await {
        Ok(()) => Ok(true),
        // object_in_use: "database ... is being accessed by other users".
        Err(Error::Database {
            code: Some(code), ..
        }) if code == "55006" => Ok(false),
        Err(e) => Err(e),
    }
}

async fn connect(server: &DatabaseUrl) -> Result<PgConnection> {
    let options = super::connect_options(server)?;
    options.connect().await.map_err(|e| Error::Connect {
        url: server.to_string(),
        message: server.scrub(&crate::driver::database_message(&e)),
    })
}

async fn admin(server: &DatabaseUrl, sql: &str) -> Result<()> {
    let mut connection = connect(server).await?;
    let result = connection.execute(AssertSqlSafe(sql.to_string())).await;
    let _ = connection.close().await;
    result.map(|_| ()).map_err(|e| {
        Error::database(
            format!("cannot prepare the scratch database on {server}"),
            e,
        )
    })
}
