//! Reading the bookkeeping of a SQLite database: one aggregated row per table, so that a long
//! history crosses the driver's worker thread once. Must not import the runner's planning.

use sqlx::AssertSqlSafe;

use super::Sqlite;
use crate::bookkeeping::Tables;
use crate::bookkeeping::{LogEntry, Stored};
use crate::error::{Error, Result};

impl Sqlite {
    pub async fn read(&mut self, tables: &Tables) -> Result<Stored> {
        let read_error = |e| Error::database("cannot read the version table", e);
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?1, ?2)",
        )
        .bind(tables.bare_version())
        .bind(tables.bare_log())
        .fetch_all(self.connection.get())
        .await
        .map_err(read_error)?;
        let mut stored = Stored {
            tables_exist: names.len() == 2,
            ..Stored::default()
        };
        // Each row would cross the driver's worker thread alone; one aggregated row of each
        // table crosses once, whatever the length of the history.
        let aggregate = |present: bool, sql: String| {
            if present { sql } else { "NULL".to_string() }
        };
        let sql = format!(
            "SELECT ({}), ({})",
            aggregate(
                names.iter().any(|n| n == tables.bare_version()),
                format!(
                    "SELECT group_concat(version_num, char(31)) FROM {}",
                    tables.version_sql()
                )
            ),
            aggregate(
                names.iter().any(|n| n == tables.bare_log()),
                format!(
                    "SELECT group_concat(revision || char(30) || checksum || char(30) || \
                     CAST(applied_at AS TEXT) || char(30) || coalesce(execution_ms, ''), char(31)) FROM {}",
                    tables.log_sql()
                )
            ),
        );
        let (rows, log): (Option<String>, Option<String>) = sqlx::query_as(AssertSqlSafe(sql))
            .fetch_one(self.connection.get())
            .await
            .map_err(read_error)?;
        let records = |text: Option<String>| {
            text.map(|t| t.split('\u{1f}').map(str::to_string).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        stored.rows = records(rows);
        stored.log = records(log)
            .iter()
            .map(|record| log_entry(record))
            .collect::<std::result::Result<_, _>>()
            .map_err(|message| {
                Error::database(
                    "cannot read the migration log",
                    sqlx::Error::Decode(message.into()),
                )
            })?;
        Ok(stored)
    }
}

/// One entry of the aggregated log: revision, checksum, applied_at and execution_ms.
fn log_entry(record: &str) -> std::result::Result<LogEntry, String> {
    let fields: Vec<&str> = record.split('\u{1e}').collect();
    let [revision, checksum, applied_at, millis] = fields[..] else {
        return Err(format!(
            "a log entry has {} fields, not 4: {record:?}",
            fields.len()
        ));
    };
    let execution_ms = match millis {
        "" => None,
        text => Some(
            text.parse::<i64>()
                .map_err(|_| format!("execution_ms of {revision} is not a number: {text:?}"))?,
        ),
    };
    Ok(LogEntry {
        revision: revision.to_string(),
        checksum: checksum.to_string(),
        applied_at: applied_at.to_string(),
        execution_ms,
    })
}
