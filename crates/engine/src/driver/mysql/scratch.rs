//! Throwaway databases on a MySQL or MariaDB server: created beside the configured one and
//! dropped after; those left behind listed with their sessions. Must not import the runner.

use std::str::FromStr;

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection as _, Executor, Row};

use crate::error::{Error, Result};
use crate::url::DatabaseUrl;

/// Creates the database `name` on `server`'s server.
#[cfg(feature = "autogenerate")]
pub(crate) async fn create_database(server: &DatabaseUrl, name: &str) -> Result<()> {
    admin(server, &format!("CREATE DATABASE `{name}`")).await
}

/// Drops the database `name`.
pub(crate) async fn drop_database(server: &DatabaseUrl, name: &str) -> Result<()> {
    admin(server, &format!("DROP DATABASE IF EXISTS `{name}`")).await
}

/// The databases whose names start with one of `prefixes`, each with the number of sessions
/// whose current database it is (information_schema.PROCESSLIST: every session with the
/// PROCESS privilege, the account's own without it).
pub(crate) async fn databases_like(
    server: &DatabaseUrl,
    prefixes: &[&str],
) -> Result<Vec<(String, u64)>> {
    let mut connection = connect(server).await?;
    let mut found = Vec::new();
    for prefix in prefixes {
        let rows = sqlx::query(
            "SELECT CAST(s.SCHEMA_NAME AS CHAR), \
                    (SELECT COUNT(*) FROM information_schema.PROCESSLIST p WHERE p.DB = s.SCHEMA_NAME) \
             FROM information_schema.SCHEMATA s WHERE s.SCHEMA_NAME LIKE ? ORDER BY 1",
        )
        .bind(format!("{}%", prefix.replace('_', "\\_")))
        .fetch_all(&mut connection)
        .await;
        let rows = match rows {
            Ok(rows) => rows,
            Err(e) => {
                let _ = connection.close().await;
                return Err(Error::database(
                    format!("cannot list the databases on {server}"),
                    e,
                ));
            }
        };
        found.extend(
            rows.iter()
                .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1).max(0) as u64)),
        );
    }
    let _ = connection.close().await;
    Ok(found)
}

async fn connect(server: &DatabaseUrl) -> Result<MySqlConnection> {
    let failed = |message: String| Error::Connect {
        url: server.to_string(),
        message,
    };
    crate::driver::certificates::check(server)?;
    let options = MySqlConnectOptions::from_str(server.driver_url())
        .map_err(|e| failed(server.scrub(&crate::error::database_message(&e))))?;
    options
        .connect()
        .await
        .map_err(|e| failed(server.scrub(&crate::driver::database_message(&e))))
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
