//! Reading the version table and the log of PostgreSQL in one message, whatever columns an
//! older log lacks. Must not import the runner.

use sqlx::{AssertSqlSafe, Row};

use super::Postgres;
use crate::bookkeeping::{LogEntry, RECORD_COLUMNS, Stored, StoredRecord, Tables};
use crate::driver::journal_row;
use crate::error::{Error, Result};

impl Postgres {
    pub(crate) async fn read(&mut self, tables: &Tables) -> Result<Stored> {
        let exists = format!(
            "SELECT to_regclass('{v}') IS NOT NULL, to_regclass('{l}') IS NOT NULL, \
             (SELECT string_agg(attname::text, ',') FROM pg_attribute \
               WHERE attrelid = to_regclass('{l}') AND attnum > 0 AND NOT attisdropped), \
             to_regclass('{s}') IS NOT NULL",
            v = tables.version_sql(),
            l = tables.log_sql(),
            s = tables.steps_sql()
        );
        // The simple query protocol, here and below: no prepared statement is left on a server
        // connection a transaction-pooling PgBouncer may hand to another client next.
        let row = sqlx::raw_sql(AssertSqlSafe(exists))
            .fetch_one(self.connection.get())
            .await
            .map_err(|e| Error::database("cannot read the version table", e))?;
        let (has_version, has_log, has_steps): (bool, bool, bool) =
            (row.get(0), row.get(1), row.get(3));
        let columns: Vec<String> = row
            .get::<Option<String>, _>(2)
            .map(|c| c.split(',').map(str::to_string).collect())
            .unwrap_or_default();
        let outdated = has_log
            && !RECORD_COLUMNS
                .iter()
                .all(|c| columns.iter().any(|p| p == c));
        let mut sql = String::new();
        if has_version {
            sql.push_str(&format!(
                "SELECT 'v', version_num::text, NULL, NULL, NULL::bigint{} FROM {}",
                ", NULL::text".repeat(RECORD_COLUMNS.len()),
                tables.version_sql()
            ));
        }
        if has_log {
            if has_version {
                sql.push_str(" UNION ALL ");
            }
            let records = match outdated {
                true => ", NULL::text".repeat(RECORD_COLUMNS.len()),
                false => RECORD_COLUMNS
                    .iter()
                    .map(|c| format!(", {c}::text"))
                    .collect(),
            };
            sql.push_str(&format!(
                "SELECT 'l', revision::text, checksum::text, applied_at::text, execution_ms{records} FROM {}",
                tables.log_sql()
            ));
        }
        if has_steps {
            // A second result in the same message: the journal's rows, each column as text.
            if !sql.is_empty() {
                sql.push_str(";\n");
            }
            sql.push_str(&tables.journal_select("'j', ", "text"));
        }
        if sql.is_empty() {
            return Ok(Stored::default());
        }
        let rows = sqlx::raw_sql(AssertSqlSafe(sql))
            .fetch_all(self.connection.get())
            .await
            .map_err(|e| Error::database("cannot read the version table", e))?;
        let mut stored = Stored {
            tables_exist: has_version && has_log,
            journal_exists: has_steps,
            outdated_log: outdated.then_some(columns),
            ..Stored::default()
        };
        for row in rows {
            let tag: String = row.get(0);
            let revision: String = row.get(1);
            if tag == "j" {
                stored.journal.push(journal_row(&row, 1)?);
            } else if tag == "v" {
                stored.rows.push(revision);
            } else {
                stored.log.push(LogEntry {
                    revision,
                    checksum: row.get(2),
                    applied_at: row.get(3),
                    execution_ms: row.get(4),
                    record: StoredRecord::from_columns(std::array::from_fn(|i| row.get(5 + i))),
                });
            }
        }
        Ok(stored)
    }
}
