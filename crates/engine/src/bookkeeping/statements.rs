//! The bookkeeping statements of a step and of a stamp: the version table's rows moved as
//! Alembic moves them, and the log's entry with the checksum and the time taken. Text only:
//! must not import the drivers.

use super::Tables;
use super::record::{RECORD_COLUMNS, Record};
use crate::catalog::Catalog;
use crate::sql::{literal, literals};
use aurora_migrate_core::Database;
use aurora_migrate_core::revision::Applied;

/// How long a step took, as the log records it. Each database's driver makes only some of
/// these, while the bookkeeping writes every database's SQL in every build (and its tests
/// check them all): a build without PostgreSQL or without SQLite leaves some unmade, which
/// is why dead code is allowed there rather than a variant per feature.
#[cfg_attr(not(all(feature = "postgres", feature = "sqlite")), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Elapsed {
    /// Measured by the server inside the step's batch (PostgreSQL, MySQL): one round trip.
    ServerClock,
    /// Measured here, in milliseconds.
    Millis(u128),
    /// Measured by SQLite's clock when the bookkeeping runs, from this start (milliseconds
    /// since the Unix epoch): the bookkeeping travels in the same call as the migration.
    SinceEpochMillis(u128),
    /// Measured by PostgreSQL from the mark a step sets when it starts inside the transaction
    /// of a whole run (`--transaction all`).
    SinceStepMark,
}

/// PostgreSQL, at the head of a migration sent in one message after `previous`: fails
/// (division by zero) unless `previous` committed its bookkeeping: after an upgrade its
/// version row is there, after a downgrade its log entry is gone.
pub fn committed_guard(
    tables: &Tables,
    previous: &str,
    direction: aurora_migrate_core::Direction,
) -> String {
    match direction {
        aurora_migrate_core::Direction::Upgrade => format!(
            "SELECT 1 / count(*) FROM {} WHERE version_num = {}",
            tables.version_sql(),
            literal(previous)
        ),
        aurora_migrate_core::Direction::Downgrade => format!(
            "SELECT 1 / (1 - count(*)) FROM {} WHERE revision = {}",
            tables.log_sql(),
            literal(previous)
        ),
    }
}

/// The bookkeeping of one step, in the step's own transaction.
pub(crate) fn step_statements(
    kind: Database,
    tables: &Tables,
    delete_rows: &[&str],
    insert_rows: &[&str],
    logged: Option<&Record>,
    unlogged: Option<&str>,
    elapsed: Elapsed,
) -> Vec<String> {
    let mut statements = Vec::new();
    if let ([old], [new]) = (delete_rows, insert_rows) {
        // A step along a branch moves one row, as Alembic does it.
        statements.push(format!(
            "UPDATE {} SET version_num = {} WHERE version_num = {}",
            tables.version_sql(),
            literal(new),
            literal(old)
        ));
    } else {
        if !delete_rows.is_empty() {
            statements.push(format!(
                "DELETE FROM {} WHERE version_num IN ({})",
                tables.version_sql(),
                literals(delete_rows)
            ));
        }
        for row in insert_rows {
            statements.push(format!(
                "INSERT INTO {} (version_num) VALUES ({})",
                tables.version_sql(),
                literal(row)
            ));
        }
    }
    if let Some(revision) = unlogged {
        statements.push(format!(
            "DELETE FROM {} WHERE revision = {}",
            tables.log_sql(),
            literal(revision)
        ));
    }
    if let Some(record) = logged {
        let millis = elapsed_sql(kind, elapsed);
        let columns = RECORD_COLUMNS.join(", ");
        let values = record.values(kind).join(", ");
        // A revision applied again (after a downgrade by another tool, say) replaces its entry.
        let (insert, conflict) = match kind {
            Database::Postgres => (
                "INSERT INTO",
                format!(
                    " ON CONFLICT (revision) DO UPDATE SET checksum = EXCLUDED.checksum, \
                     applied_at = EXCLUDED.applied_at, execution_ms = EXCLUDED.execution_ms, {}",
                    RECORD_COLUMNS
                        .iter()
                        .map(|c| format!("{c} = EXCLUDED.{c}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            Database::Sqlite | Database::Mysql => ("REPLACE INTO", String::new()),
        };
        statements.push(format!(
            "{insert} {} (revision, checksum, applied_at, execution_ms, {columns}) VALUES ({}, {}, CURRENT_TIMESTAMP, {millis}, {values}){conflict}",
            tables.log_sql(),
            literal(&record.revision),
            literal(&record.checksum)
        ));
    }
    statements
}

/// How the log's `execution_ms` is computed, as SQL.
fn elapsed_sql(kind: Database, elapsed: Elapsed) -> String {
    match (elapsed, kind) {
        (Elapsed::ServerClock, Database::Postgres) => {
            "(EXTRACT(EPOCH FROM clock_timestamp() - now()) * 1000)::BIGINT".to_string()
        }
        (Elapsed::SinceStepMark, Database::Postgres) => {
            "(EXTRACT(EPOCH FROM clock_timestamp() - \
             current_setting('aurora.step_started')::timestamptz) * 1000)::BIGINT"
                .to_string()
        }
        // The batch set @aurora_started when it began.
        (Elapsed::ServerClock, Database::Mysql) => {
            "TIMESTAMPDIFF(MICROSECOND, @aurora_started, SYSDATE(6)) DIV 1000".to_string()
        }
        (Elapsed::Millis(ms), _) => ms.to_string(),
        // SQLite runs in this process: its clock is the one that took the start.
        (Elapsed::SinceEpochMillis(start), Database::Sqlite) => {
            format!("MAX(0, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - {start})")
        }
        // A script's step set the mark when it began (offline SQL).
        (Elapsed::SinceStepMark, Database::Sqlite) => {
            "MAX(0, CAST((julianday('now') - (SELECT started FROM temp.aurora_step_mark)) * 86400000 AS INTEGER))"
                .to_string()
        }
        _ => "NULL".to_string(),
    }
}

/// Rewrites both tables for `applied`: rows for its heads, a checksum and a record for every
/// revision.
pub(crate) fn stamp_statements(
    catalog: &Catalog,
    tables: &Tables,
    applied: &Applied,
    kind: Database,
) -> Vec<String> {
    let graph = catalog.graph();
    let (version, log) = (tables.version_sql(), tables.log_sql());
    let mut statements = vec![format!("DELETE FROM {version}")];
    for row in applied.rows(graph) {
        statements.push(format!(
            "INSERT INTO {version} (version_num) VALUES ({})",
            literal(&graph.node(row).id)
        ));
    }
    let ids: Vec<&str> = applied
        .set
        .iter()
        .map(|&i| graph.node(i).id.as_str())
        .collect();
    if ids.is_empty() {
        statements.push(format!("DELETE FROM {log}"));
    } else {
        statements.push(format!(
            "DELETE FROM {log} WHERE revision NOT IN ({})",
            literals(&ids)
        ));
    }
    for &index in &applied.set {
        let record = Record::of(catalog, index, kind);
        let (id, checksum) = (literal(&record.revision), literal(&record.checksum));
        let values = record.values(kind);
        let assignments: Vec<String> = RECORD_COLUMNS
            .iter()
            .zip(&values)
            .map(|(column, value)| format!("{column} = {value}"))
            .collect();
        statements.push(format!(
            "UPDATE {log} SET checksum = {checksum}, {} WHERE revision = {id}",
            assignments.join(", ")
        ));
        statements.push(insert_record(&log, &record, kind));
    }
    statements
}

/// Log rows, with the embedded checksum and record, for applied revisions that have none (a
/// database another tool migrated): from then on a changed file is caught.
pub(crate) fn record_statements(
    catalog: &Catalog,
    tables: &Tables,
    revisions: &[usize],
    kind: Database,
) -> Vec<String> {
    let log = tables.log_sql();
    revisions
        .iter()
        .map(|&index| insert_record(&log, &Record::of(catalog, index, kind), kind))
        .collect()
}

/// Inserts the log row of `record` unless the revision has one.
fn insert_record(log: &str, record: &Record, kind: Database) -> String {
    let (id, checksum) = (literal(&record.revision), literal(&record.checksum));
    format!(
        "INSERT INTO {log} (revision, checksum, execution_ms, {}) SELECT {id}, {checksum}, NULL, {} \
         WHERE NOT EXISTS (SELECT 1 FROM {log} WHERE revision = {id})",
        RECORD_COLUMNS.join(", "),
        record.values(kind).join(", ")
    )
}
