//! Throwaway databases on a PostgreSQL server: created beside the configured one and dropped
//! after, for autogenerate's comparison. Must not import the runner.

use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection as _, Executor};

use crate::error::{Error, Result};
use crate::sql::quote;
use crate::url::DatabaseUrl;

/// Creates the database `name` on `server`'s server.
pub(crate) async fn create_database(server: &DatabaseUrl, name: &str) -> Result<()> {
    admin(server, &format!("CREATE DATABASE {}", quote(name))).await
}

/// Drops the database `name`, closing its sessions.
pub(crate) async fn drop_database(server: &DatabaseUrl, name: &str) -> Result<()> {
    admin(
        server,
        &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote(name)),
    )
    .await
}

async fn admin(server: &DatabaseUrl, sql: &str) -> Result<()> {
    let failed = |message: String| Error::Connect {
        url: server.to_string(),
        message,
    };
    let options = super::connect_options(server)?;
    let mut connection: PgConnection = options
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
