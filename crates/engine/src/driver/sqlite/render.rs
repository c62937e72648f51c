//! SQLite: enums are CHECK constraints; what `ALTER TABLE` cannot do (type, nullability,
//! default or constraint changes) is done by the documented rebuild: create the new table,
//! copy the rows, drop the old one, rename, recreate the indexes.
//! Pure text: must not import sqlx, the runner or autogenerate.

use std::collections::BTreeSet;

use crate::schema::diff::Change;
use crate::schema::model::{Column, ColumnType, Schema, Table};
use crate::schema::render::{
    column_head, common_type, create_index, create_table_sql, default_sql,
};
use crate::sql::{literal, quote, quoted_list};
use aurora_migrate_core::Database;

pub(crate) fn statements(changes: &[Change], current: &Schema, desired: &Schema) -> Vec<String> {
    let rebuilt: BTreeSet<&str> = changes
        .iter()
        .filter(|c| needs_rebuild(c, current))
        .filter_map(Change::table)
        .collect();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    for change in changes {
        if let Some(table) = change.table()
            && rebuilt.contains(table)
        {
            if done.insert(table)
                && let (Some(from), Some(to)) = (current.table(table), desired.table(table))
            {
                rebuild(from, to, &mut out);
            }
            continue;
        }
        render(change, &mut out);
    }
    out
}

/// Whether SQLite's ALTER TABLE cannot make this change.
fn needs_rebuild(change: &Change, current: &Schema) -> bool {
    use Change::*;
    match change {
        AlterColumn { .. }
        | AddUnique { .. }
        | DropUnique { .. }
        | AddForeignKey { .. }
        | DropForeignKey { .. } => true,
        AddCheck { .. } | DropCheck { .. } => true,
        AddColumn { column, .. } => {
            (!column.nullable && column.default.is_none())
                // SQLite adds a column only with a constant default.
                || matches!(column.default, Some(crate::schema::model::ColumnDefault::Now | crate::schema::model::ColumnDefault::Expr(_)))
        }
        DropColumn { table, column } => current
            .table(table)
            .is_some_and(|t| is_constrained(t, &column.name)),
        _ => false,
    }
}

/// True when the column takes part in a key, index or constraint, which DROP COLUMN refuses.
fn is_constrained(table: &Table, column: &str) -> bool {
    let named = |list: &[String]| list.iter().any(|c| c == column);
    named(&table.primary_key)
        || table.uniques.iter().any(|u| named(&u.columns))
        || table.indexes.iter().any(|i| named(&i.columns))
        || table.foreign_keys.iter().any(|k| named(&k.columns))
        || table.checks.iter().any(|c| c.expression.contains(column))
        || table
            .column_named(column)
            .is_some_and(|c| matches!(c.ty, ColumnType::EnumValues(_)))
}

fn render(change: &Change, out: &mut Vec<String>) {
    use Change::*;
    match change {
        CreateEnum(_) | DropEnum(_) | AlterEnum { .. } => {} // enums live in CHECKs
        CreateTable(table) => create_table(table, &table.name, out),
        DropTable(table) => out.push(format!("DROP TABLE {}", quote(&table.name))),
        AddColumn { table, column } => out.push(format!(
            "ALTER TABLE {} ADD COLUMN {}",
            quote(table),
            column_sql(column, false)
        )),
        DropColumn { table, column } => out.push(format!(
            "ALTER TABLE {} DROP COLUMN {}",
            quote(table),
            quote(&column.name)
        )),
        AddIndex { table, index } => out.push(create_index(table, index)),
        DropIndex { index, .. } => out.push(format!("DROP INDEX {}", quote(&index.name))),
        // Handled by a rebuild (see `needs_rebuild`).
        AlterColumn { .. }
        | AddUnique { .. }
        | DropUnique { .. }
        | AddForeignKey { .. }
        | DropForeignKey { .. }
        | AddCheck { .. }
        | DropCheck { .. } => {}
    }
}

pub(crate) fn type_sql(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Double => "DOUBLE".into(),
        ColumnType::TimestampTz => "TIMESTAMP".into(),
        ColumnType::Jsonb => "JSON".into(),
        ColumnType::Bytes => "BLOB".into(),
        ColumnType::Enum(_) | ColumnType::EnumValues(_) => "TEXT".into(),
        other => common_type(other).unwrap_or_else(|| "TEXT".into()),
    }
}

/// A column definition; the rowid key is written inline as SQLite wants it.
fn column_sql(column: &Column, rowid_key: bool) -> String {
    if rowid_key {
        return format!("{} INTEGER PRIMARY KEY AUTOINCREMENT", quote(&column.name));
    }
    let mut sql = column_head(column, &type_sql(&column.ty), Database::Sqlite);
    if let ColumnType::EnumValues(values) = &column.ty {
        let list: Vec<String> = values.iter().map(|v| literal(v)).collect();
        sql.push_str(&format!(
            " CHECK ({} IN ({}))",
            quote(&column.name),
            list.join(", ")
        ));
    }
    sql
}

fn create_table(table: &Table, name: &str, out: &mut Vec<String>) {
    match &table.sql {
        // The table's own text says it exactly; a rebuild (another name) writes the model.
        Some(sql) if name == table.name => out.push(sql.clone()),
        _ => out.push(canonical_table(table, name)),
    }
    if name == table.name {
        for index in &table.indexes {
            render(
                &Change::AddIndex {
                    table: table.name.clone(),
                    index: index.clone(),
                },
                out,
            );
        }
    }
}

/// The CREATE TABLE this renderer writes for the model of `table`, under `name`.
pub(crate) fn canonical_table(table: &Table, name: &str) -> String {
    let rowid = match table.primary_key.as_slice() {
        [only] => table
            .column_named(only)
            .filter(|c| c.autoincrement && c.ty == ColumnType::Integer)
            .map(|c| c.name.clone()),
        _ => None,
    };
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| column_sql(c, rowid.as_deref() == Some(c.name.as_str())))
        .collect();
    if rowid.is_none() && !table.primary_key.is_empty() {
        lines.push(format!("PRIMARY KEY ({})", quoted_list(&table.primary_key)));
    }
    create_table_sql(name, lines, table)
}

/// The rebuild procedure, keeping the rows of every column both definitions share.
fn rebuild(from: &Table, to: &Table, out: &mut Vec<String>) {
    let temporary = format!("_aurora_new_{}", to.name);
    create_table(to, &temporary, out);
    let shared: Vec<&Column> = to
        .columns
        .iter()
        .filter(|c| from.column_named(&c.name).is_some())
        .collect();
    if !shared.is_empty() {
        let names: Vec<String> = shared.iter().map(|c| quote(&c.name)).collect();
        // A column becoming NOT NULL with a default takes the default where it held NULL.
        let values: Vec<String> = shared
            .iter()
            .map(|c| {
                match (
                    &c.default,
                    from.column_named(&c.name).is_some_and(|old| old.nullable) && !c.nullable,
                ) {
                    (Some(default), true) => format!(
                        "COALESCE({}, {})",
                        quote(&c.name),
                        default_sql(default, Database::Sqlite)
                    ),
                    _ => quote(&c.name),
                }
            })
            .collect();
        out.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            quote(&temporary),
            names.join(", "),
            values.join(", "),
            quote(&from.name)
        ));
    }
    out.push(format!("DROP TABLE {}", quote(&from.name)));
    out.push(format!(
        "ALTER TABLE {} RENAME TO {}",
        quote(&temporary),
        quote(&to.name)
    ));
    for index in &to.indexes {
        render(
            &Change::AddIndex {
                table: to.name.clone(),
                index: index.clone(),
            },
            out,
        );
    }
}

#[cfg(test)]
mod tests;
