//! Reading refinery's own history table, `refinery_schema_history`, to adopt a database
//! refinery migrated. Never writes it. Must not import the runner.

use super::Connection;
use crate::error::{Error, Result};
use aurora_migrate_core::Database;

/// One row of refinery's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RefineryRow {
    /// The migration's version.
    pub version: i64,
    /// Its name (after `__`).
    pub name: String,
    /// refinery's checksum, as it stores it (a decimal u64).
    pub checksum: String,
}

/// refinery's table, as refinery names it.
pub(super) const HISTORY: &str = "refinery_schema_history";

impl Connection {
    /// refinery's history, by version; `None` when the database has no such table.
    pub(crate) async fn refinery_history(&mut self) -> Result<Option<Vec<RefineryRow>>> {
        let failed = |e| Error::database("cannot read refinery's history", e);
        if !self.table_exists(HISTORY).await? {
            return Ok(None);
        }
        let read = match self.kind() {
            Database::Postgres => format!(
                "SELECT version::bigint, name::text, checksum::text FROM {HISTORY} ORDER BY version"
            ),
            Database::Sqlite => {
                format!("SELECT version, name, checksum FROM {HISTORY} ORDER BY version")
            }
            Database::Mysql => format!(
                "SELECT CAST(version AS SIGNED), CAST(name AS CHAR), CAST(checksum AS CHAR) FROM {HISTORY} ORDER BY version"
            ),
        };
        let rows: Vec<(i64, String, String)> = dispatch!(self, c => {
            sqlx::query_as(sqlx::AssertSqlSafe(read)).fetch_all(c.raw()).await
        })
        .map_err(failed)?;
        Ok(Some(
            rows.into_iter()
                .map(|(version, name, checksum)| RefineryRow {
                    version,
                    name,
                    checksum,
                })
                .collect(),
        ))
    }
}
