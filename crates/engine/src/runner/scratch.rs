//! A throwaway database: created on the given server (or as a temporary SQLite file), used,
//! then dropped, so the developer's own database is never touched. Must not import
//! autogenerate.

use crate::error::{Error, Result};
use crate::url::DatabaseUrl;
use aurora_migrate_core::Database;

/// A database this process created and must drop.
pub struct Scratch {
    server: DatabaseUrl,
    name: String,
    url: DatabaseUrl,
}

impl Scratch {
    /// Creates a uniquely named database next to `server`'s.
    pub async fn create(server: &DatabaseUrl) -> Result<Scratch> {
        Scratch::create_for(server, "scratch").await
    }

    /// As [`Scratch::create`], its name saying what it is for (`aurora_<purpose>_...`).
    pub async fn create_for(server: &DatabaseUrl, purpose: &str) -> Result<Scratch> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let name = format!("aurora_{purpose}_{}_{nanos}", std::process::id());
        let url = match server.kind() {
            #[cfg(feature = "postgres")]
            Database::Postgres => {
                crate::driver::postgres::create_database(server, &name).await?;
                server.with_database(&name)
            }
            #[cfg(feature = "mysql")]
            Database::Mysql => {
                crate::driver::mysql::create_database(server, &name).await?;
                server.with_database(&name)
            }
            Database::Sqlite => {
                // An empty file is an empty database: readers may open it before any write.
                let path = std::env::temp_dir().join(format!("{name}.db"));
                crate::disk::create_new(&path, b"")?;
                DatabaseUrl::sqlite_file(&path)
            }
            #[allow(unreachable_patterns)]
            other => return Err(Error::ScratchUnsupported(other)),
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

    /// Where the scratch database is.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Drops the database (removes the SQLite file).
    pub async fn drop(self) -> Result<()> {
        match self.server.kind() {
            #[cfg(feature = "postgres")]
            Database::Postgres => {
                crate::driver::postgres::drop_database(&self.server, &self.name).await
            }
            #[cfg(feature = "mysql")]
            Database::Mysql => crate::driver::mysql::drop_database(&self.server, &self.name).await,
            Database::Sqlite => {
                if let Some(path) = self.url.sqlite_path() {
                    for suffix in ["", "-journal", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                    }
                }
                Ok(())
            }
            #[allow(unreachable_patterns)]
            _ => Ok(()),
        }
    }
}
