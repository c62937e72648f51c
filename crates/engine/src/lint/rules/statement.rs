//! The rules one operation raises, judged with what came before it in the same direction of
//! the same migration: indexes, columns, constraints, renames, enum values, rebuilds. Pure:
//! must not import the drivers or the runner.

use super::{Context, is_volatile};
use crate::lint::ops::Op;
use aurora_migrate_core::{Database, Statement};

impl Context<'_> {
    pub(super) fn op(&mut self, statement: &Statement, op: &Op) {
        let database = self.subject.database;
        match op {
            Op::CreateTable { table } => {
                self.created.insert(table.clone());
            }
            Op::CreateType { name } => {
                self.created.insert(name.clone());
            }
            Op::CreateIndex { table, name, concurrently, .. } => {
                self.created.insert(name.clone());
                if *concurrently && self.subject.transactional {
                    self.find("L003", statement, None,
                        "CONCURRENTLY cannot run inside a transaction block: the migration fails".into(),
                        "declare `Transaction: none` in the header and keep the index alone in its migration".into());
                } else if !*concurrently && self.existing(table) {
                    self.find("L001", statement, Some(table),
                        format!("builds the index under a SHARE lock: every write to {table} waits until it is done"),
                        format!("CREATE INDEX CONCURRENTLY {name} ON {table} (...) in a migration with `Transaction: none`"));
                }
            }
            Op::DropIndex { names, concurrently } => {
                let names = names.join(", ");
                if *concurrently && self.subject.transactional {
                    self.find("L003", statement, None,
                        "CONCURRENTLY cannot run inside a transaction block: the migration fails".into(),
                        "declare `Transaction: none` in the header".into());
                } else if !*concurrently && !self.created.contains(&names) && !self.upgrade_made(&names) {
                    self.find("L002", statement, None,
                        format!("takes an ACCESS EXCLUSIVE lock on the index's table while dropping {names}: reads and writes wait"),
                        format!("DROP INDEX CONCURRENTLY {names} in a migration with `Transaction: none`"));
                }
            }
            Op::CreateView { name } => {
                self.created.insert(name.clone());
            }
            Op::AddColumn { table, column, not_null, default, rewrite } => {
                self.created.insert(format!("{table}.{column}"));
                if !self.existing(table) {
                    return;
                }
                if let Some(rewrite) = rewrite {
                    self.fills_every_row(statement, table, column, *rewrite);
                }
                if *not_null && default.is_none() {
                    let why = match database {
                        Database::Sqlite => format!("SQLite refuses to add NOT NULL column {column} without a default"),
                        _ => format!("adding {column} NOT NULL without a default fails as soon as {table} holds a row"),
                    };
                    self.find("L004", statement, Some(table), why,
                        format!("add {column} with a DEFAULT, or add it nullable, fill it with a `-- migrate:backfill` block, then set NOT NULL in a revision that declares `Requires Backfill`"));
                }
                if let Some(default) = default.as_deref().filter(|d| is_volatile(d)) {
                    self.find("L005", statement, Some(table),
                        format!("the default {default} is volatile: PostgreSQL rewrites {table} to fill every row, under an exclusive lock"),
                        format!("add {column} without a default (or with a constant one), fill it with a `-- migrate:backfill` block (resumable batches along the key), then set the default"));
                }
            }
            Op::ChangeType { table, column, enum_values } if self.existing(table) => match (database, enum_values) {
                (Database::Mysql, Some(_)) => self.find("L015", statement, Some(table),
                    format!("changing the ENUM of {table}.{column} other than by appending values copies the whole table"),
                    "only append values at the end of the ENUM list (an in-place change), or migrate to a lookup table".into()),
                (Database::Mysql, None) => self.find("L006", statement, Some(table),
                    format!("MODIFY/CHANGE of {table}.{column} copies the whole table, blocking writes on older servers"),
                    "add a new column, fill it with a `-- migrate:backfill` block, switch the code, then drop the old one".into()),
                _ => self.find("L006", statement, Some(table),
                    format!("changing the type of {table}.{column} rewrites {table} and its indexes under an ACCESS EXCLUSIVE lock (unless it only widens a varchar)"),
                    "add a new column of the new type, fill it with a `-- migrate:backfill` block (resumable batches along the key), switch the code, then drop the old one".into()),
            },
            Op::SetNotNull { table, column } if self.existing(table) => {
                self.find("L007", statement, Some(table),
                    format!("SET NOT NULL scans all of {table} under an ACCESS EXCLUSIVE lock"),
                    format!("fill the NULLs with a `-- migrate:backfill` block, then in a revision that declares `Requires Backfill`: ADD CONSTRAINT {column}_not_null CHECK ({column} IS NOT NULL) NOT VALID; then VALIDATE CONSTRAINT in a later migration; then SET NOT NULL (which uses the valid check) and drop the check"));
            }
            Op::AddForeignKey { table, not_valid } | Op::AddCheck { table, not_valid } if self.existing(table) && !not_valid => {
                let why = match database {
                    Database::Mysql => format!("adding the constraint to {table} checks every row, and a foreign key copies the table"),
                    _ => format!("validating the constraint scans all of {table} while holding a lock that blocks writes"),
                };
                let instead = match database {
                    Database::Mysql => "add a foreign key with `SET foreign_key_checks = 0` first (an in-place change, existing rows unchecked), then check the rows with a query",
                    _ => "add it with NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a later migration (which does not block writes)",
                };
                self.find("L008", statement, Some(table), why, instead.into());
            }
            Op::AddUnique { table, using_index: false } if self.existing(table) => {
                self.find("L009", statement, Some(table),
                    format!("building the unique index behind the constraint blocks writes to {table}"),
                    "CREATE UNIQUE INDEX CONCURRENTLY first (`Transaction: none`), then ADD CONSTRAINT ... UNIQUE USING INDEX".into());
            }
            Op::DropConstraint { table, name } if self.existing(table) && self.upward() => {
                self.find("L012", statement, Some(table),
                    format!("code still deployed may rely on {name} of {table} (a key it joins on, a check it trusts)"),
                    "drop it once no deployed code relies on it".into());
            }
            Op::RenameTable { from, to } => {
                if self.rebuilt.contains(to) {
                    self.created.insert(to.clone());
                    self.find("L016", statement, Some(to),
                        format!("{to} is rebuilt: every row is copied and the database is locked for writes meanwhile"),
                        "on a large table, rebuild in a quiet window; prefer ALTER TABLE forms SQLite supports in place (ADD COLUMN, RENAME COLUMN, DROP COLUMN)".into());
                } else if self.existing(from) && self.upward() {
                    self.find("L013", statement, Some(from),
                        format!("code still deployed uses {from}, which no longer exists as {to}"),
                        "create the new table and keep both in step (or a view with the old name) until no deployed code uses the old one".into());
                }
            }
            Op::RenameColumn { table, from, to } if self.existing(table) && self.upward() => {
                self.find("L013", statement, Some(table),
                    format!("code still deployed reads and writes {table}.{from}, now {to}"),
                    "add the new column, write both, fill it with a `-- migrate:backfill` block, switch the code, then drop the old one".into());
            }
            Op::Loses(loss) => self.loss(statement, loss),
            Op::Lock { .. } | Op::Vacuum { .. } | Op::Cluster { .. } | Op::Reindex { .. }
            | Op::Refresh { .. } | Op::AddPrimaryKey { .. } => self.maintenance(statement, op),
            _ => {}
        }
    }
}
