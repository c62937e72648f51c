//! The rules that judge a migration as a whole rather than one statement: a table it rebuilds,
//! an enum value used in the transaction that adds it, an expand that is not one, a downgrade
//! that leaves what the upgrade created. Pure: must not import the drivers or the runner.

use std::collections::HashSet;

use super::Context;
use crate::lint::ops::{Op, Read};
use aurora_migrate_core::{Database, Statement};

/// Tables dropped and then replaced by another renamed to their name.
pub(super) fn rebuilt(reads: &[(&Statement, Read)]) -> HashSet<String> {
    let ops: Vec<&Op> = reads
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok())
        .flatten()
        .collect();
    let mut dropped = HashSet::new();
    let mut rebuilt = HashSet::new();
    for op in ops {
        match op {
            Op::DropTable { tables } => dropped.extend(tables.iter().cloned()),
            Op::RenameTable { to, .. } if dropped.contains(to) => {
                rebuilt.insert(to.clone());
            }
            _ => {}
        }
    }
    rebuilt
}

/// A value `ALTER TYPE ... ADD VALUE` adds cannot be used in the same transaction.
pub(super) fn enum_values_used(context: &mut Context<'_>, reads: &[(&Statement, Read)]) {
    if !context.subject.transactional {
        return;
    }
    for (at, (statement, read)) in reads.iter().enumerate() {
        for op in read.iter().flatten() {
            let Op::AddEnumValue { type_name, value } = op else {
                continue;
            };
            let literal = format!("'{value}'");
            if reads[at + 1..]
                .iter()
                .any(|(later, _)| later.text.contains(&literal))
            {
                context.find("L014", statement, None,
                    format!("{literal} is added to {type_name} and used later in the same transaction: PostgreSQL refuses (\"unsafe use of new value\")"),
                    "add the value in a migration with `Transaction: none` (or its own migration), and use it in the next one".into());
            }
        }
    }
}

/// `Compatibility: expand` promises only additions the previous code ignores.
pub(super) fn expand_claim(context: &mut Context<'_>, reads: &[(&Statement, Read)]) {
    let mut created = HashSet::new();
    for (statement, read) in reads {
        for op in read.iter().flatten() {
            let broken = match op {
                Op::CreateTable { table } => {
                    created.insert(table.clone());
                    None
                }
                Op::DropTable { .. } | Op::DropType { .. } => Some("drops a table or type"),
                Op::DropColumn { table, .. } if !created.contains(table) => Some("drops a column"),
                Op::DropConstraint { table, .. } if !created.contains(table) => {
                    Some("drops a constraint")
                }
                Op::RenameTable { .. } | Op::RenameColumn { .. } => Some("renames"),
                Op::SetNotNull { table, .. } if !created.contains(table) => Some("sets NOT NULL"),
                Op::ChangeType { table, .. } if !created.contains(table) => {
                    Some("changes a column's type")
                }
                Op::AddColumn {
                    table,
                    not_null: true,
                    default: None,
                    ..
                } if !created.contains(table) => {
                    Some("adds a NOT NULL column the previous code does not fill")
                }
                Op::AddCheck { table, .. }
                | Op::AddForeignKey { table, .. }
                | Op::AddUnique { table, .. }
                    if !created.contains(table) =>
                {
                    Some("adds a constraint existing writes may break")
                }
                _ => None,
            };
            if let Some(what) = broken {
                context.find("L019", statement, None,
                    format!("the migration declares `Compatibility: expand`, but this statement {what}: the previous code may fail"),
                    "split it: the expand part now, the rest in a later migration without `Compatibility: expand`".into());
            }
        }
    }
}

/// A downgrade should drop what its upgrade created (Alembic famously leaves ENUM types). An
/// index goes with its table, and on PostgreSQL with any of its columns (MySQL keeps it while
/// one of its columns is left; SQLite refuses to drop an indexed column).
pub(super) fn downgrade_leaves(
    context: &mut Context<'_>,
    reads: &[(&Statement, Read)],
    downgrade: &[(&Statement, Read)],
) {
    let mut dropped = HashSet::new();
    let mut dropped_columns = HashSet::new();
    for (_, read) in downgrade {
        for op in read.iter().flatten() {
            match op {
                Op::DropTable { tables } => dropped.extend(tables.iter().cloned()),
                Op::DropType { names } | Op::DropIndex { names, .. } => {
                    dropped.extend(names.iter().cloned())
                }
                Op::RenameTable { from, .. } => {
                    dropped.insert(from.clone());
                }
                Op::DropColumn { table, columns } => {
                    dropped_columns.extend(columns.iter().map(|c| format!("{table}.{c}")));
                }
                _ => {}
            }
        }
    }
    let index_dropped = |table: &str, columns: &[String]| {
        let gone = |c: &String| dropped_columns.contains(&format!("{table}.{c}"));
        match context.subject.database {
            Database::Postgres => columns.iter().any(gone),
            Database::Mysql => !columns.is_empty() && columns.iter().all(gone),
            Database::Sqlite => false,
        }
    };
    // What the upgrade itself drops or renames away is not left behind.
    let mut dropped_later = HashSet::new();
    for (_, read) in reads {
        for op in read.iter().flatten() {
            match op {
                Op::DropTable { tables } => dropped_later.extend(tables.iter().cloned()),
                Op::RenameTable { from, .. } => {
                    dropped_later.insert(from.clone());
                }
                _ => {}
            }
        }
    }
    let mut left = Vec::new();
    for (statement, read) in reads {
        for op in read.iter().flatten() {
            let (kind, name, table) = match op {
                Op::CreateTable { table } => ("table", table, table),
                Op::CreateType { name } => ("type", name, name),
                Op::CreateIndex {
                    table,
                    name,
                    columns,
                    ..
                } if !name.is_empty() => {
                    if index_dropped(table, columns) {
                        continue;
                    }
                    ("index", name, table)
                }
                _ => continue,
            };
            if dropped.contains(name) || dropped.contains(table) || dropped_later.contains(name) {
                continue;
            }
            left.push((*statement, kind, name.clone()));
        }
    }
    for (statement, kind, name) in left {
        context.find("L018", statement, None,
            format!("the upgrade creates {kind} {name}, which the downgrade never drops: after a downgrade the next upgrade fails on it"),
            format!("drop {name} in the downgrade"));
    }
}
