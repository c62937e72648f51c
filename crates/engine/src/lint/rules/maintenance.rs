//! The rules about statements that lock or rewrite a whole table: LOCK TABLE, VACUUM FULL,
//! CLUSTER, REINDEX, REFRESH MATERIALIZED VIEW, ADD PRIMARY KEY, and a column added that the
//! database fills in every row. Pure: must not import the drivers or the runner.

use super::Context;
use super::Severity;
use crate::lint::ops::{Op, Rewrite};
use aurora_migrate_core::{Database, Statement};

impl Context<'_> {
    pub(super) fn maintenance(&mut self, statement: &Statement, op: &Op) {
        let transactional = self.subject.transactional;
        let outside = "declare `Transaction: none` in the header and keep the statement alone in its migration";
        match op {
            Op::Lock { tables, mode } => {
                let Some(table) = tables.iter().find(|t| self.existing(t)) else {
                    return;
                };
                let why = match self.subject.database {
                    Database::Mysql => format!(
                        "LOCK TABLES commits the open transaction and holds a {mode} lock on {table} until UNLOCK TABLES: other sessions wait"
                    ),
                    _ => format!(
                        "holds a {mode} lock on {table} until the migration commits, whatever its statements need: sessions that touch {table} wait, and so does everything queued behind them"
                    ),
                };
                self.find("L026", statement, Some(table), why,
                    "drop the LOCK: each statement takes the lock it needs, and the runner bounds every wait with its lock timeout".into());
            }
            Op::Vacuum { table, full } => {
                if transactional {
                    self.find(
                        "L003",
                        statement,
                        None,
                        "VACUUM cannot run inside a transaction block: the migration fails".into(),
                        outside.into(),
                    );
                }
                if *full && table.as_deref().is_none_or(|t| self.existing(t)) {
                    let what = table.as_deref().unwrap_or("every table");
                    self.find("L023", statement, table.as_deref(),
                        format!("VACUUM FULL rewrites {what} under an ACCESS EXCLUSIVE lock: reads and writes wait until it is done"),
                        "plain VACUUM (no lock on reads and writes), or pg_repack to reclaim space online".into());
                }
            }
            Op::Cluster { table } if table.as_deref().is_none_or(|t| self.existing(t)) => {
                let what = table.as_deref().unwrap_or("every clustered table");
                self.find("L024", statement, table.as_deref(),
                    format!("CLUSTER rewrites {what} under an ACCESS EXCLUSIVE lock: reads and writes wait until it is done"),
                    "pg_repack --order-by, online; or leave the order to the next maintenance window".into());
            }
            Op::Reindex {
                target,
                concurrently,
            } => {
                let table = target.strip_prefix("table ");
                if *concurrently && transactional {
                    self.find("L003", statement, None,
                        "REINDEX CONCURRENTLY cannot run inside a transaction block: the migration fails".into(),
                        outside.into());
                } else if !*concurrently && table.is_none_or(|t| self.existing(t)) {
                    self.find("L025", statement, table,
                        format!("REINDEX {target} blocks writes to the table, and reads that would use the index, until it is done"),
                        format!("REINDEX {} CONCURRENTLY {} in a migration with `Transaction: none`",
                            target.split(' ').next().unwrap_or("INDEX").to_uppercase(),
                            target.split(' ').nth(1).unwrap_or("...")));
                }
            }
            Op::Refresh {
                view,
                concurrently: false,
            } if self.existing(view) => {
                self.find("L027", statement, Some(view),
                    format!("REFRESH MATERIALIZED VIEW {view} takes an ACCESS EXCLUSIVE lock: every read of the view waits for the refresh"),
                    format!("REFRESH MATERIALIZED VIEW CONCURRENTLY {view} (it needs a unique index on the view)"));
            }
            Op::AddPrimaryKey {
                table,
                using_index: false,
            } if self.existing(table) => {
                let (why, instead) = match self.subject.database {
                    Database::Mysql => (format!("adding a primary key rebuilds {table}: every row is copied into the new clustered index"),
                        "add the primary key when the table is created; on a large table, an online schema change tool (gh-ost, pt-online-schema-change)".to_string()),
                    _ => (format!("builds the primary key's index, and checks its columns are NOT NULL, under an ACCESS EXCLUSIVE lock on {table}"),
                        "CREATE UNIQUE INDEX CONCURRENTLY first (`Transaction: none`), then ADD CONSTRAINT ... PRIMARY KEY USING INDEX".to_string()),
                };
                self.find("L028", statement, Some(table), why, instead);
            }
            _ => {}
        }
    }

    /// A column added to an existing table that the database fills in every row.
    pub(super) fn fills_every_row(
        &mut self,
        statement: &Statement,
        table: &str,
        column: &str,
        rewrite: Rewrite,
    ) {
        let what = rewrite.describe();
        let (severity, why, instead) = match (self.subject.database, rewrite) {
            (Database::Sqlite, Rewrite::StoredGenerated) => (Severity::Error,
                format!("SQLite refuses to add {column}, {what}, to an existing table (\"cannot add a STORED column\"): the migration fails"),
                "add it VIRTUAL, or rebuild the table with the column in its CREATE TABLE".to_string()),
            (Database::Sqlite, _) => return,
            (Database::Mysql, Rewrite::StoredGenerated) => (Severity::Warning,
                format!("adding {column}, {what}, rebuilds {table}: every row is copied to compute it"),
                "add it VIRTUAL (an in-place change), and index it if it must be searched".to_string()),
            (Database::Mysql, _) => (Severity::Warning,
                format!("adding {column}, {what}, rebuilds {table}: every row is copied to number it"),
                "add it when the table is created; on a large table, an online schema change tool (gh-ost, pt-online-schema-change)".to_string()),
            (_, Rewrite::StoredGenerated) => (Severity::Warning,
                format!("adding {column}, {what}, rewrites all of {table} under an ACCESS EXCLUSIVE lock to compute it"),
                "add a plain nullable column, fill it with a `-- migrate:backfill` block, keep it filled with a trigger; or compute it in a view".to_string()),
            _ => (Severity::Warning,
                format!("adding {column}, {what}, rewrites all of {table} under an ACCESS EXCLUSIVE lock to number every row"),
                "add a nullable column without a default, fill it from a sequence with a `-- migrate:backfill` block, then set the default (or the identity) and NOT NULL".to_string()),
        };
        self.find_at("L029", severity, statement, Some(table), why, instead);
    }
}
