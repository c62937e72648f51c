//! Whether a table exists, by name, in the connection's current schema: for the tables of
//! other tools and the version table, before reading them. Must not import the runner.

use super::Connection;
use crate::error::{Error, Result};
use crate::sql::literal;
use aurora_migrate_core::Database;

impl Connection {
    /// Whether `name` is a table of the current schema (or `main` on SQLite).
    pub async fn table_exists(&mut self, name: &str) -> Result<bool> {
        let name = literal(name);
        let sql = match self.kind() {
            Database::Postgres => format!(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = {name}"
            ),
            Database::Sqlite => {
                format!("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = {name}")
            }
            Database::Mysql => format!(
                "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {name}"
            ),
        };
        // The simple query protocol: nothing prepared stays behind a transaction pooler.
        let found: i64 = dispatch!(self, c => {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .fetch_one(c.raw())
                .await
                .and_then(|row| sqlx::Row::try_get(&row, 0))
        })
        .map_err(|e| Error::database("cannot read the database's tables", e))?;
        Ok(found > 0)
    }
}
