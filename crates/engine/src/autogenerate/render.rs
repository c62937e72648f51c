//! Changes as SQL for one database, upgrade and downgrade, and as the sections of a new
//! migration file, through the renderer in each database's folder. Deterministic: the same
//! changes give the same bytes. Must not import the runner.

use crate::schema::diff::Change;
use crate::schema::model::{ColumnDefault, ColumnType, Schema};
use aurora_migrate_core::Database;

/// The statements that apply `changes` (which turn `current` into `desired`) on `kind`.
pub fn statements(
    changes: &[Change],
    current: &Schema,
    desired: &Schema,
    kind: Database,
) -> Vec<String> {
    match kind {
        #[cfg(feature = "postgres")]
        Database::Postgres => crate::driver::postgres::render::statements(changes),
        #[cfg(feature = "sqlite")]
        Database::Sqlite => crate::driver::sqlite::render::statements(changes, current, desired),
        #[cfg(feature = "mysql")]
        Database::Mysql => crate::driver::mysql::render::statements(changes, current),
        // A database whose driver this build leaves out: nothing to render for it.
        #[allow(unreachable_patterns)]
        _ => {
            let _ = (changes, current, desired);
            Vec::new()
        }
    }
}

/// Enum values a migration adds in place and also uses as a column default, as `type.value`.
/// PostgreSQL cannot use a value added in the same transaction ("unsafe use of new value"), so
/// such a migration must run with `Transaction: none` there.
pub fn enum_values_added_and_used(changes: &[Change], kind: Database) -> Vec<String> {
    if kind != Database::Postgres {
        return Vec::new();
    }
    let added: Vec<(&str, &str)> = changes
        .iter()
        .filter_map(|change| match change {
            Change::AlterEnum { from, to, .. } if to.only_adds_to(from) => Some(
                to.values
                    .iter()
                    .filter(|v| !from.values.contains(v))
                    .map(|v| (to.name.as_str(), v.as_str())),
            ),
            _ => None,
        })
        .flatten()
        .collect();
    changes
        .iter()
        .flat_map(|change| match change {
            Change::AddColumn { column, .. } => vec![column],
            Change::AlterColumn { to, .. } => vec![to],
            Change::CreateTable(table) => table.columns.iter().collect(),
            _ => Vec::new(),
        })
        .filter_map(|column| match (&column.ty, &column.default) {
            (ColumnType::Enum(name), Some(ColumnDefault::Text(value)))
                if added.contains(&(name.as_str(), value.as_str())) =>
            {
                Some(format!("{name}.{value}"))
            }
            _ => None,
        })
        .collect()
}

/// Upgrade and downgrade sections for one dialect, ready to sit under a migration header.
pub fn sections(changes: &[Change], current: &Schema, desired: &Schema, kind: Database) -> String {
    let upgrade = statements(changes, current, desired, kind);
    let reverse: Vec<Change> = changes.iter().rev().map(Change::reverse).collect();
    let downgrade = statements(&reverse, desired, current, kind);
    let block = |list: &[String]| list.iter().map(|s| format!("{s};\n")).collect::<String>();
    format!(
        "-- migrate:upgrade {name}\n{}\n-- migrate:downgrade {name}\n{}",
        block(&upgrade),
        block(&downgrade),
        name = kind.name()
    )
}

#[cfg(test)]
mod tests;
