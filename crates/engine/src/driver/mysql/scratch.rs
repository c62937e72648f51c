//! Throwaway databases on a MySQL or MariaDB server: created beside the configured one and
//! dropped after, for `test` and autogenerate's comparison. Must not import the runner.

use std::str::FromStr;

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection as _, Executor};

use crate::error::{Error, Result};
use crate::url::DatabaseUrl;

/// Creates the database `name` on `server`'s server.
pub(crate) async fn create_database(server: &DatabaseUrl, name: &str) -> Result<()> {
    admin(server, &format!("CREATE DATABASE `{name}`")).await
}

/// Drops the database `name`.
pub(crate) async fn drop_database(server: &DatabaseUrl, name: &str) -> Result<()> {
    admin(server, &format!("DROP DATABASE IF EXISTS `{name}`")).await
}

async fn admin(server: &DatabaseUrl, sql: &str) -> Result<()> {
    let failed = |message: String| Error::Connect {
        url: server.to_string(),
        message,
    };
    crate::driver::certificates::check(server)?;
    let options = MySqlConnectOptions::from_str(server.driver_url())
        .map_err(|e| failed(server.scrub(&crate::error::database_message(&e))))?;
    let mut connection: MySqlConnection = options
        .connect()
        .await
        .map_err(|e| failed(server.scrub(&crate::driver::database_message(&e))))?;
    let result = connection.execute(AssertSqlSafe(sql.to_string())).await;
    let _ = connection.close().await;
    result.map(|_| ()).map_err(|e| {
        Error::database(
            format!("cannot prepare the scratch database on {server}"),
            e,
        )
    })
}
