//! Whether a table exists, by name, in the connection's current schema, the name compared as
//! the database compares names: for the tables of other tools and the version table, before
//! reading them. Must not import the runner.

use super::Connection;
use crate::bookkeeping::NameCase;
use crate::error::{Error, Result};
use crate::sql::literal;
use aurora_migrate_core::Database;

impl Connection {
    /// Whether `name` is a table of the current schema (or `main` on SQLite).
    pub(crate) async fn table_exists(&mut self, name: &str) -> Result<bool> {
        let name = literal(name);
        let sql = match self.kind() {
            Database::Postgres => format!(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = {name}"
            ),
            Database::Sqlite => format!(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = {name} COLLATE NOCASE"
            ),
            // information_schema compares without case; the tables do so only when
            // lower_case_table_names says.
            Database::Mysql => format!(
                "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {name} \
                 AND (@@lower_case_table_names <> 0 OR BINARY CAST(TABLE_NAME AS CHAR) = BINARY {name})"
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

    /// How this database compares table names (MySQL: its `lower_case_table_names`).
    pub(crate) async fn name_case(&mut self) -> Result<NameCase> {
        match self.kind() {
            Database::Postgres => Ok(NameCase::Exact),
            Database::Sqlite => Ok(NameCase::Folded),
            Database::Mysql => {
                let folded: i64 = dispatch!(self, c => {
                    sqlx::raw_sql("SELECT CAST(@@lower_case_table_names <> 0 AS SIGNED)")
                        .fetch_one(c.raw())
                        .await
                        .and_then(|row| sqlx::Row::try_get(&row, 0))
                })
                .map_err(|e| Error::database("cannot read how the database compares names", e))?;
                Ok(match folded {
                    0 => NameCase::Exact,
                    _ => NameCase::Folded,
                })
            }
        }
    }
}
