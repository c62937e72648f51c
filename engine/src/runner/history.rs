//! The version table (`alembic_version`, one row per current head, as Alembic keeps it) and
//! the log of applied revisions with checksums: names, DDL and bookkeeping statements.

use crate::dialect::Kind;
use crate::error::{Error, Result};

/// The two bookkeeping tables of one version table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tables {
    pub version: String,
    pub log: String,
    /// Migrations in progress, on MySQL.
    pub dirty: String,
}

impl Tables {
    /// `name` is a table name or `schema.table`, of letters, digits and underscores.
    pub fn new(name: &str) -> Result<Tables> {
        let valid_part = |p: &str| {
            !p.is_empty()
                && !p.starts_with(|c: char| c.is_ascii_digit())
                && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        };
        let parts: Vec<&str> = name.split('.').collect();
        if parts.len() > 2 || !parts.iter().all(|p| valid_part(p)) {
            return Err(Error::VersionTable(name.to_string()));
        }
        Ok(Tables {
            version: name.to_string(),
            log: format!("{name}_aurora_log"),
            dirty: format!("{name}_aurora_dirty"),
        })
    }

    /// Refuses names `kind` cannot hold: a schema SQLite does not have, or a derived table
    /// name over the database's identifier limit (which PostgreSQL would silently truncate
    /// into a collision with the version table itself).
    pub fn check_for(&self, kind: Kind) -> Result<()> {
        let (schema, table) = match self.version.split_once('.') {
            Some((schema, table)) => (Some(schema), table),
            None => (None, self.version.as_str()),
        };
        if kind == Kind::Sqlite && schema.is_some_and(|s| !s.eq_ignore_ascii_case("main")) {
            return Err(Error::VersionTableSchema {
                name: self.version.clone(),
            });
        }
        let limit = match kind {
            Kind::Postgres => 63,
            Kind::Mysql => 64,
            Kind::Sqlite => return Ok(()),
        };
        let longest = match kind {
            Kind::Mysql => format!("{table}_aurora_dirty"),
            _ => format!("{table}_aurora_log"),
        };
        if longest.len() > limit || schema.is_some_and(|s| s.len() > limit) {
            return Err(Error::VersionTableTooLong {
                name: self.version.clone(),
                derived: longest.clone(),
                length: longest.len(),
                limit,
                longest_allowed: limit - (longest.len() - table.len()),
            });
        }
        Ok(())
    }

    /// The version table's name without its schema.
    pub fn bare_version(&self) -> &str {
        bare(&self.version)
    }

    /// The log table's name without its schema.
    pub fn bare_log(&self) -> &str {
        bare(&self.log)
    }

    /// The dirty-mark table's name without its schema.
    pub fn bare_dirty(&self) -> &str {
        bare(&self.dirty)
    }

    /// The schema the tables live in, when one is named.
    pub fn schema(&self) -> Option<&str> {
        self.version.split_once('.').map(|(schema, _)| schema)
    }

    /// A stable 63-bit key for the advisory lock that serialises runners of this version
    /// table, the same across builds and platforms.
    pub fn lock_key(&self) -> i64 {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(format!("aurora-migrate:{}", self.version).as_bytes());
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&digest[..8]);
        (u64::from_be_bytes(bytes) >> 1) as i64
    }

    pub fn version_sql(&self) -> String {
        quote_path(&self.version)
    }

    pub fn log_sql(&self) -> String {
        quote_path(&self.log)
    }

    pub fn dirty_sql(&self) -> String {
        quote_path(&self.dirty)
    }

    pub fn create(&self, kind: Kind) -> Vec<String> {
        let timestamp = match kind {
            Kind::Postgres => "TIMESTAMPTZ",
            Kind::Sqlite | Kind::Mysql => "TIMESTAMP",
        };
        // On SQLite a table keyed by text is one B-tree instead of a table and its index: each
        // migration's commit writes fewer pages.
        let options = match kind {
            Kind::Sqlite => " WITHOUT ROWID",
            Kind::Postgres | Kind::Mysql => "",
        };
        let mut statements = vec![
            format!(
                "CREATE TABLE IF NOT EXISTS {} (version_num VARCHAR(32) NOT NULL, CONSTRAINT {} PRIMARY KEY (version_num)){options}",
                self.version_sql(),
                quote(&format!("{}_pkc", self.bare_version()))
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {} (revision VARCHAR(32) NOT NULL PRIMARY KEY, checksum VARCHAR(64) NOT NULL, \
                 applied_at {timestamp} NOT NULL DEFAULT CURRENT_TIMESTAMP, execution_ms BIGINT){options}",
                self.log_sql()
            ),
        ];
        if kind == Kind::Mysql {
            statements.push(format!(
                "CREATE TABLE IF NOT EXISTS {} (revision VARCHAR(32) NOT NULL PRIMARY KEY, direction VARCHAR(9) NOT NULL, \
                 failed_statement TEXT, message TEXT, started_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
                self.dirty_sql()
            ));
        }
        statements
    }
}

fn bare(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// How long a step took, as the log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elapsed {
    /// Measured by the server inside the step's batch (PostgreSQL, MySQL): one round trip.
    ServerClock,
    Millis(u128),
    /// Measured by SQLite's clock when the bookkeeping runs, from this start (milliseconds
    /// since the Unix epoch): the bookkeeping travels in the same call as the migration.
    SinceEpochMillis(u128),
    /// Measured by PostgreSQL from the mark a step sets when it starts inside the transaction
    /// of a whole run (`--transaction all`).
    SinceStepMark,
    /// Stamped, not run.
    None,
}

/// The bookkeeping of one step, in the step's own transaction.
pub fn step_statements(
    kind: Kind,
    tables: &Tables,
    delete_rows: &[&str],
    insert_rows: &[&str],
    logged: Option<(&str, &str)>,
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
    if let Some((revision, checksum)) = logged {
        let millis = match (elapsed, kind) {
            (Elapsed::ServerClock, Kind::Postgres) => {
                "(EXTRACT(EPOCH FROM clock_timestamp() - now()) * 1000)::BIGINT".to_string()
            }
            (Elapsed::SinceStepMark, Kind::Postgres) => "(EXTRACT(EPOCH FROM clock_timestamp() - \
                 current_setting('aurora.step_started')::timestamptz) * 1000)::BIGINT"
                .to_string(),
            // The batch set @aurora_started when it began.
            (Elapsed::ServerClock, Kind::Mysql) => {
                "TIMESTAMPDIFF(MICROSECOND, @aurora_started, SYSDATE(6)) DIV 1000".to_string()
            }
            (Elapsed::Millis(ms), _) => ms.to_string(),
            // SQLite runs in this process: its clock is the one that took the start.
            (Elapsed::SinceEpochMillis(start), Kind::Sqlite) => {
                format!(
                    "MAX(0, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - {start})"
                )
            }
            _ => "NULL".to_string(),
        };
        // A revision applied again (after a downgrade by another tool, say) replaces its entry.
        let (insert, conflict) = match kind {
            Kind::Postgres => (
                "INSERT INTO",
                " ON CONFLICT (revision) DO UPDATE SET checksum = EXCLUDED.checksum, \
                 applied_at = EXCLUDED.applied_at, execution_ms = EXCLUDED.execution_ms",
            ),
            Kind::Sqlite | Kind::Mysql => ("REPLACE INTO", ""),
        };
        statements.push(format!(
            "{insert} {} (revision, checksum, applied_at, execution_ms) VALUES ({}, {}, CURRENT_TIMESTAMP, {millis}){conflict}",
            tables.log_sql(),
            literal(revision),
            literal(checksum)
        ));
    }
    statements
}

/// Revision ids and checksums are letters, digits and underscores, so quoting them is safe;
/// the doubling of quotes keeps it safe regardless.
pub fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn literals(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| literal(v))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// A possibly schema-qualified name, each part quoted.
pub fn quote_path(name: &str) -> String {
    name.split('.').map(quote).collect::<Vec<_>>().join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_unsafe_table_names() {
        assert!(Tables::new("alembic_version").is_ok());
        assert!(Tables::new("app.alembic_version").is_ok());
        for bad in ["", "a;drop", "a.b.c", "1abc", "a\"b"] {
            assert!(Tables::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_merge_step_replaces_both_parent_rows() {
        let tables = Tables::new("alembic_version").unwrap();
        let sql = step_statements(
            Kind::Sqlite,
            &tables,
            &["a", "b"],
            &["m"],
            Some(("m", "ff")),
            None,
            Elapsed::Millis(3),
        );
        assert_eq!(
            sql[0],
            "DELETE FROM \"alembic_version\" WHERE version_num IN ('a', 'b')"
        );
        assert_eq!(
            sql[1],
            "INSERT INTO \"alembic_version\" (version_num) VALUES ('m')"
        );
        assert_eq!(
            sql[2],
            "REPLACE INTO \"alembic_version_aurora_log\" (revision, checksum, applied_at, execution_ms) \
             VALUES ('m', 'ff', CURRENT_TIMESTAMP, 3)"
        );
        assert_eq!(sql.len(), 3);
    }

    #[test]
    fn a_step_along_a_branch_moves_its_row_and_upserts_the_log() {
        let tables = Tables::new("alembic_version").unwrap();
        let sql = step_statements(
            Kind::Postgres,
            &tables,
            &["a"],
            &["b"],
            Some(("b", "ff")),
            None,
            Elapsed::ServerClock,
        );
        assert_eq!(
            sql[0],
            "UPDATE \"alembic_version\" SET version_num = 'b' WHERE version_num = 'a'"
        );
        assert!(
            sql[1].starts_with("INSERT INTO \"alembic_version_aurora_log\"")
                && sql[1].ends_with(
                    "ON CONFLICT (revision) DO UPDATE SET checksum = EXCLUDED.checksum, \
                     applied_at = EXCLUDED.applied_at, execution_ms = EXCLUDED.execution_ms"
                ),
            "{}",
            sql[1]
        );
        assert_eq!(sql.len(), 2);
    }
}
