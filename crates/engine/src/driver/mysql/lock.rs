//! MySQL's and MariaDB's runner lock: `GET_LOCK` polled, named per database and version
//! table, the holder named from the process list when a wait runs out, and whether another
//! session holds it (what a lease runner asks). Must not import the runner.

use std::time::Duration;

use super::Mysql;
use crate::bookkeeping::Tables;
use crate::driver::{LockWait, database_message};
use crate::error::{Error, Result};

impl Mysql {
    /// The lock's name: per database and version table, at most 64 characters.
    pub(crate) fn lock_name(tables: &Tables) -> String {
        format!("aurora-migrate:{:x}", tables.lock_key())
    }

    /// The name `GET_LOCK` takes on this connection's database: names are server-wide, so
    /// the database name keeps two databases apart.
    async fn lock_name_here(&mut self, tables: &Tables) -> Result<String> {
        let name = format!("{}:{}", Self::lock_name(tables), self.database().await?);
        Ok(name.chars().take(64).collect())
    }

    pub(crate) async fn lock(&mut self, tables: &Tables, timeout: Option<Duration>) -> Result<()> {
        let name = self.lock_name_here(tables).await?;
        let mut wait = LockWait::new(
            Duration::from_millis(20),
            Duration::from_millis(500),
            timeout,
        );
        loop {
            let acquired: Option<i64> = sqlx::query_scalar("SELECT GET_LOCK(?, 0)")
                .bind(&name)
                .fetch_one(self.connection.get())
                .await
                .map_err(|e| Error::database("cannot take the migration lock", e))?;
            if acquired == Some(1) {
                self.locked = Some(name);
                return Ok(());
            }
            if let Err(waited) = wait
                .pause(&format!(
                    "another runner holds the migration lock for {}",
                    tables.version
                ))
                .await
            {
                let holder = self
                    .lock_holder(&name)
                    .await
                    .unwrap_or_else(|| "a session that has just released it".into());
                return Err(Error::LockTimeout {
                    table: tables.version.clone(),
                    waited,
                    holder,
                });
            }
        }
    }

    /// The session holding the runners' lock of `tables` on this database, if one does.
    pub(crate) async fn advisory_holder(&mut self, tables: &Tables) -> Result<Option<String>> {
        let name = self.lock_name_here(tables).await?;
        Ok(self.lock_holder(&name).await)
    }

    async fn database(&mut self) -> Result<String> {
        let name: Option<String> = sqlx::query_scalar("SELECT DATABASE()")
            .fetch_one(self.connection.get())
            .await
            .map_err(|e| Error::database("cannot read the current database", e))?;
        name.ok_or(Error::NoDatabaseName)
    }

    /// Who holds lock `name`: its connection, with its user and client from the process list
    /// where this session may see them; `None` when nobody does.
    async fn lock_holder(&mut self, name: &str) -> Option<String> {
        let id: std::result::Result<Option<i64>, _> = sqlx::query_scalar("SELECT IS_USED_LOCK(?)")
            .bind(name)
            .fetch_one(self.connection.get())
            .await;
        let id = match id {
            Ok(id) => id?,
            Err(e) => {
                return Some(format!(
                    "a session this database does not name ({})",
                    database_message(&e)
                ));
            }
        };
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT CAST(p.USER AS CHAR), CAST(p.HOST AS CHAR) FROM information_schema.PROCESSLIST p WHERE p.ID = ?",
        )
        .bind(id)
        .fetch_optional(self.connection.get())
        .await
        .ok()
        .flatten();
        Some(match row {
            Some((user, host)) => format!("connection {id} (user {user}, from {host})"),
            None => format!("connection {id}"),
        })
    }

    pub(crate) async fn unlock(&mut self) -> Result<()> {
        if let Some(name) = self.locked.take() {
            sqlx::query("SELECT RELEASE_LOCK(?)")
                .bind(name)
                .execute(self.connection.get())
                .await
                .map_err(|e| Error::database("cannot release the migration lock", e))?;
        }
        Ok(())
    }
}
