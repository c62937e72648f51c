//! A throwaway database for autogenerate: created on the given server (or as a temporary
//! SQLite file), migrated to the heads, read, then dropped, so the developer's own database
//! is never touched.

use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection as _, Executor};

use crate::dialect::Kind;
use crate::error::{Error, Result};
use crate::url::DatabaseUrl;

/// A database this process created and must drop.
pub struct Scratch {
    server: DatabaseUrl,
    name: String,
    url: DatabaseUrl,
}

impl Scratch {
    /// Creates a uniquely named database next to `server`'s.
    pub async fn create(server: &DatabaseUrl) -> Result<Scratch> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let name = format!("aurora_scratch_{}_{nanos}", std::process::id());
        let url = match server.kind() {
            Kind::Postgres => {
                admin(server, &format!("CREATE DATABASE \"{name}\"")).await?;
                server.with_database(&name)
            }
            Kind::Sqlite => {
                DatabaseUrl::sqlite_file(&std::env::temp_dir().join(format!("{name}.db")))
            }
            Kind::Mysql => {
                return Err(Error::Refused(
                    "a scratch database is built on PostgreSQL or SQLite (autogenerate reads those schemas); \
                     pass a postgresql:// or sqlite:// URL"
                        .into(),
                ));
            }
        };
        Ok(Scratch {
            server: server.clone(),
            name,
            url,
        })
    }

    /// The database's name on its server (for SQLite, the file's stem).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    pub async fn drop(self) -> Result<()> {
        match self.server.kind() {
            Kind::Postgres => {
                admin(
                    &self.server,
                    &format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
                )
                .await
            }
            Kind::Mysql => Ok(()),
            Kind::Sqlite => {
                if let Some(path) = self.url.sqlite_path() {
                    for suffix in ["", "-journal", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                    }
                }
                Ok(())
            }
        }
    }
}

async fn admin(server: &DatabaseUrl, sql: &str) -> Result<()> {
    let failed = |message: String| Error::Connect {
        url: server.to_string(),
        message,
    };
    let options = crate::dialect::postgres_options(server)?;
    let mut connection: PgConnection = options
        .connect()
        .await
        .map_err(|e| failed(server.scrub(&crate::dialect::database_message(&e))))?;
    let result = connection.execute(AssertSqlSafe(sql.to_string())).await;
    let _ = connection.close().await;
    result.map(|_| ()).map_err(|e| {
        Error::database(
            format!("cannot prepare the scratch database on {server}"),
            e,
        )
    })
}
