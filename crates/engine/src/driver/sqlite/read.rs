//! Reading the bookkeeping of a SQLite database: one aggregated row per table, so that a long
//! history crosses the driver's worker thread once. Must not import the runner's planning.

use sqlx::AssertSqlSafe;

use super::Sqlite;
use crate::bookkeeping::{JournalEntry, LogEntry, RECORD_COLUMNS, Stored, StoredRecord, Tables};
use crate::driver::journal_row;
use crate::error::{Error, Result};

/// Fields of one aggregated log entry: revision, checksum, applied_at, execution_ms, then
/// whether it has a record and the record's columns.
const FIELDS: usize = 5 + RECORD_COLUMNS.len();

impl Sqlite {
    pub(crate) async fn read(&mut self, tables: &Tables) -> Result<Stored> {
        let read_error = |e| Error::database("cannot read the version table", e);
        // Each table with its columns: whether the log holds records.
        let tables_found: Vec<(String, String)> = sqlx::query_as(
            "SELECT m.name, (SELECT group_concat(c.name, ',') FROM pragma_table_info(m.name) c) \
             FROM sqlite_master m WHERE m.type = 'table' AND m.name COLLATE NOCASE IN (?1, ?2, ?3)",
        )
        .bind(tables.bare_version())
        .bind(tables.bare_log())
        .bind(tables.bare_steps())
        .fetch_all(self.connection.get())
        .await
        .map_err(read_error)?;
        // SQLite takes `ALEMBIC_VERSION` for `alembic_version`: so do we.
        let found = |ours: &str| {
            tables_found
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case(ours))
        };
        let log_columns: Option<Vec<String>> = tables_found
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(tables.bare_log()))
            .map(|(_, columns)| columns.split(',').map(str::to_ascii_lowercase).collect());
        let outdated = log_columns.as_ref().is_some_and(|present| {
            !RECORD_COLUMNS
                .iter()
                .all(|c| present.iter().any(|p| p == c))
        });
        let mut stored = Stored {
            tables_exist: found(tables.bare_version()) && found(tables.bare_log()),
            journal_exists: found(tables.bare_steps()),
            outdated_log: log_columns.filter(|_| outdated),
            ..Stored::default()
        };
        // Text a person wrote travels as hexadecimal, so no separator can occur in it.
        let record_fields = match outdated {
            true => " || char(30) || '0'".repeat(RECORD_COLUMNS.len() + 1),
            false => " || char(30) || (parents IS NOT NULL) || char(30) || hex(coalesce(message, '')) \
                      || char(30) || coalesce(parents, '') || char(30) || coalesce(compatibility, '') \
                      || char(30) || coalesce(transactional, '') \
                      || char(30) || (CASE WHEN downgrade IS NULL THEN '' ELSE 'x' || hex(downgrade) END) \
                      || char(30) || coalesce(downgrade_checksum, '')"
                .to_string(),
        };
        // Each row would cross the driver's worker thread alone; one aggregated row of each
        // table crosses once, whatever the length of the history.
        let aggregate = |present: bool, sql: String| {
            if present { sql } else { "NULL".to_string() }
        };
        let sql = format!(
            "SELECT ({}), ({})",
            aggregate(
                found(tables.bare_version()),
                format!(
                    "SELECT group_concat(version_num, char(31)) FROM {}",
                    tables.version_sql()
                )
            ),
            aggregate(
                found(tables.bare_log()),
                format!(
                    "SELECT group_concat(revision || char(30) || checksum || char(30) || \
                     CAST(applied_at AS TEXT) || char(30) || coalesce(execution_ms, ''){record_fields}, char(31)) FROM {}",
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
        if found(tables.bare_steps()) {
            stored.journal = self.read_journal(tables).await?;
        }
        Ok(stored)
    }

    /// The step journal's rows: few, and only there after a migration that could not run in
    /// one transaction.
    async fn read_journal(&mut self, tables: &Tables) -> Result<Vec<JournalEntry>> {
        let rows = sqlx::query(AssertSqlSafe(tables.journal_select("", "TEXT")))
            .fetch_all(self.connection.get())
            .await
            .map_err(|e| Error::database("cannot read the step journal", e))?;
        rows.iter().map(|row| journal_row(row, 0)).collect()
    }
}

/// One entry of the aggregated log: see [`FIELDS`].
fn log_entry(record: &str) -> std::result::Result<LogEntry, String> {
    let fields: Vec<&str> = record.split('\u{1e}').collect();
    if fields.len() != FIELDS {
        return Err(format!(
            "a log entry has {} fields, not {FIELDS}: {record:?}",
            fields.len()
        ));
    }
    let (revision, millis) = (fields[0], fields[3]);
    let execution_ms = match millis {
        "" => None,
        text => Some(
            text.parse::<i64>()
                .map_err(|_| format!("execution_ms of {revision} is not a number: {text:?}"))?,
        ),
    };
    let record = match fields[4] {
        "1" => {
            let text = |hex: &str| {
                unhex(hex).ok_or_else(|| format!("the record of {revision} is not text"))
            };
            let downgrade = match fields[9].strip_prefix('x') {
                Some(hex) => Some(text(hex)?),
                None => None,
            };
            let optional = |s: &str| (!s.is_empty()).then(|| s.to_string());
            StoredRecord::from_columns([
                Some(text(fields[5])?),
                Some(fields[6].to_string()),
                optional(fields[7]),
                optional(fields[8]),
                downgrade,
                optional(fields[10]),
            ])
        }
        _ => None,
    };
    Ok(LogEntry {
        revision: revision.to_string(),
        checksum: fields[1].to_string(),
        applied_at: fields[2].to_string(),
        execution_ms,
        record,
    })
}

/// Text from SQLite's `hex()` of it.
fn unhex(hex: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
        })
        .collect();
    String::from_utf8(bytes?).ok()
}
