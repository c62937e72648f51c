//! What a concurrent index build leaves when it fails or is cancelled: an INVALID index, which
//! no query uses and every write maintains, and which `CREATE INDEX CONCURRENTLY IF NOT
//! EXISTS` would then skip as if built. Before such a statement runs, an INVALID index of its
//! name is dropped, so that the build starts again; after it, the index must be valid, or the
//! step fails. Must not import the runner.

use sqlx::{AssertSqlSafe, Row};

use super::Postgres;
use crate::driver::execute;
use crate::sql::literal;

/// An index as the catalog has it.
struct Found {
    valid: bool,
    /// A build of it is running now, in some session (`pg_stat_progress_create_index`).
    building: bool,
}

impl Postgres {
    async fn find_index(&mut self, name: &str) -> Result<Option<Found>, sqlx::Error> {
        // The simple query protocol: no prepared statement is left behind a pooler.
        let sql = format!(
            "SELECT i.indisvalid, EXISTS (SELECT 1 FROM pg_stat_progress_create_index p \
              WHERE p.index_relid = i.indexrelid) \
             FROM pg_index i WHERE i.indexrelid = to_regclass({})",
            literal(name)
        );
        let row = sqlx::raw_sql(AssertSqlSafe(sql))
            .fetch_optional(self.connection.get())
            .await?;
        Ok(row.map(|row| Found {
            valid: row.get(0),
            building: row.get(1),
        }))
    }

    /// Drops the index `name` if a build left it INVALID, so that the statement about to run
    /// builds it again; refuses while another session is building it.
    pub(super) async fn drop_invalid_index(&mut self, name: &str) -> Result<(), String> {
        let found = self.find_index(name).await.map_err(|e| e.to_string())?;
        match found {
            Some(Found {
                valid: false,
                building: true,
            }) => Err(format!(
                "the index {name} is being built by another session right now \
                 (pg_stat_progress_create_index): let that build finish, or cancel it, then run again"
            )),
            Some(Found { valid: false, .. }) => {
                tracing::warn!(
                    "the index {name} is INVALID, left by a build that failed or was cancelled: \
                     dropping it to build it again"
                );
                execute(
                    self.connection.get(),
                    &format!("DROP INDEX CONCURRENTLY IF EXISTS {name}"),
                )
                .await
                .map_err(|e| format!("cannot drop the INVALID index {name}: {e}"))
            }
            _ => Ok(()),
        }
    }

    /// After the build of `name` succeeded: the index is there and valid. `IF NOT EXISTS`
    /// reports success over an index another session left INVALID since.
    pub(super) async fn require_valid_index(&mut self, name: &str) -> Result<(), String> {
        match self.find_index(name).await.map_err(|e| e.to_string())? {
            Some(Found { valid: false, .. }) => Err(format!(
                "the index {name} is INVALID after its build reported success: no query can use it; \
                 drop it (DROP INDEX CONCURRENTLY {name}) and run again"
            )),
            _ => Ok(()),
        }
    }

    /// What a failed build of `name` left, for its failure's message.
    pub(super) async fn left_invalid(&mut self, name: &str) -> Option<String> {
        match self.find_index(name).await {
            Ok(Some(Found { valid: false, .. })) => Some(format!(
                "; it left the index {name} INVALID, which no query uses and every write maintains: \
                 the next run drops it and builds it again"
            )),
            _ => None,
        }
    }
}
