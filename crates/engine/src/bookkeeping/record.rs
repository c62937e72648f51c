//! What the log keeps of each applied revision beyond its checksum: its message, parents and
//! compatibility, and its downgrade as rendered for this database, so that a build that does
//! not contain the revision can still name it, judge it for readiness and revert it. The
//! columns that hold it, and bringing an older log up to them. Text and data only: must not
//! import the drivers or the runner.

use super::Tables;
use crate::catalog::Catalog;
use crate::sql::{literal, quote};
use aurora_migrate_core::checksum;
use aurora_migrate_core::{Compatibility, Database, Direction, Statement};

/// Between two statements of a stored downgrade. A statement never ends inside a line
/// comment here, since the separator starts on a line of its own.
const SEPARATOR: &str = "\n;\n";

/// The log's columns added for records, in the order they were added; a log created before
/// them lacks them, and the runner adds them before it writes.
pub(crate) const RECORD_COLUMNS: [&str; 6] = [
    "message",
    "parents",
    "compatibility",
    "transactional",
    "downgrade",
    "downgrade_checksum",
];

/// What an upgrade step writes to the log about its revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    /// The revision.
    pub revision: String,
    /// The checksum of its file.
    pub checksum: String,
    /// Its message.
    pub message: String,
    /// The revisions it revises.
    pub parents: Vec<String>,
    /// What it promises the code that ran before it.
    pub compatibility: Compatibility,
    /// False for `Transaction: none`.
    pub transactional: bool,
    /// Its downgrade for this database; `None` when it has none for it.
    pub downgrade: Option<String>,
}

impl Record {
    /// The record of migration `index` of `catalog`, with its downgrade rendered for `kind`.
    pub(crate) fn of(catalog: &Catalog, index: usize, kind: Database) -> Record {
        let migration = catalog.migration(index);
        Record {
            revision: migration.id.to_string(),
            checksum: migration.checksum.to_string(),
            message: migration.message.to_string(),
            parents: migration.parents.iter().map(|p| p.to_string()).collect(),
            compatibility: migration.compatibility,
            transactional: migration.transactional,
            // A migration without a downgrade for this database is recorded without one: it
            // can be applied, and only a build that has it can revert it.
            downgrade: catalog
                .statements(index, kind, Direction::Downgrade)
                .ok()
                .map(|statements| Record::join(&statements)),
        }
    }

    /// The text a downgrade's statements are stored as.
    pub(crate) fn join(statements: &[Statement]) -> String {
        statements
            .iter()
            .map(|s| s.text.as_ref())
            .collect::<Vec<_>>()
            .join(SEPARATOR)
    }

    /// The values of [`RECORD_COLUMNS`], as SQL, in their order.
    pub(super) fn values(&self, kind: Database) -> [String; 6] {
        let downgrade_checksum = self.downgrade.as_deref().map(downgrade_checksum);
        [
            text_literal(kind, &self.message),
            literal(&self.parents.join(",")),
            literal(self.compatibility.name()),
            if self.transactional { "1" } else { "0" }.to_string(),
            self.downgrade
                .as_deref()
                .map_or("NULL".into(), |d| text_literal(kind, d)),
            downgrade_checksum.map_or("NULL".into(), |c| literal(&c)),
        ]
    }
}

/// The checksum a stored downgrade is kept with, to tell it was not altered since.
pub(crate) fn downgrade_checksum(text: &str) -> String {
    checksum::hex(&checksum::sha256(text.as_bytes()))
}

/// A stored downgrade's statements, split back as they were joined.
pub(crate) fn split_stored(text: &str) -> Vec<String> {
    text.split(SEPARATOR).map(str::to_string).collect()
}

/// A string literal that keeps its bytes on every database: MySQL reads a backslash in a
/// quoted literal as an escape (unless NO_BACKSLASH_ESCAPES is set), so text holding one
/// travels there as hexadecimal, which no SQL mode reinterprets.
pub(crate) fn text_literal(kind: Database, value: &str) -> String {
    if kind == Database::Mysql && value.contains('\\') {
        let hex: String = value.bytes().map(|b| format!("{b:02X}")).collect();
        format!("CONVERT(X'{hex}' USING utf8mb4)")
    } else {
        literal(value)
    }
}

impl Tables {
    /// The statements that add to an older log the record columns it lacks (`present` are the
    /// columns it has).
    pub(crate) fn extend_log(&self, kind: Database, present: &[String]) -> Vec<String> {
        RECORD_COLUMNS
            .iter()
            .filter(|column| !present.iter().any(|p| p.eq_ignore_ascii_case(column)))
            .map(|column| {
                format!(
                    "ALTER TABLE {} ADD COLUMN {} {}",
                    self.log_sql(),
                    quote(column),
                    column_type(kind, column)
                )
            })
            .collect()
    }
}

/// The SQL type of a record column on `kind`.
pub(super) fn column_type(kind: Database, column: &str) -> &'static str {
    match (column, kind) {
        ("compatibility", _) => "VARCHAR(16)",
        ("transactional", _) => "SMALLINT",
        ("downgrade_checksum", _) => "VARCHAR(64)",
        // MySQL's TEXT holds 64 KiB; a downgrade may be longer.
        ("downgrade", Database::Mysql) => "MEDIUMTEXT",
        _ => "TEXT",
    }
}

/// The record column definitions for a new log.
pub(super) fn column_definitions(kind: Database) -> String {
    RECORD_COLUMNS
        .iter()
        .map(|column| format!(", {column} {}", column_type(kind, column)))
        .collect()
}
