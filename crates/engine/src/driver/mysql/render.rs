//! MySQL and MariaDB (sessions in ANSI_QUOTES, so identifiers quote as elsewhere): enums are
//! column types, so a changed value list is `MODIFY COLUMN`; every column change is one
//! `MODIFY COLUMN` with the whole new definition; unique constraints are dropped as indexes.
//! Pure text: must not import sqlx, the runner or autogenerate.

use crate::schema::diff::Change;
use crate::schema::model::{Column, ColumnType, ForeignKey, Schema, Table};
use crate::schema::render::{
    column_head, common_type, create_index, create_table_sql, foreign_key, parenthesised,
};
use crate::sql::{literal, quote, quoted_list};
use aurora_migrate_core::Database;

pub(crate) fn statements(changes: &[Change], current: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for change in changes {
        render(change, current, &mut out);
    }
    out
}

fn render(change: &Change, current: &Schema, out: &mut Vec<String>) {
    use Change::*;
    let alter = |table: &str| format!("ALTER TABLE {}", quote(table));
    match change {
        CreateEnum(_) | DropEnum(_) | AlterEnum { .. } => {} // enums are column types here
        CreateTable(table) => create_table(table, out),
        DropTable(table) => out.push(format!("DROP TABLE {}", quote(&table.name))),
        AddColumn { table, column } => out.push(format!(
            "{} ADD COLUMN {}",
            alter(table),
            column_sql(column)
        )),
        DropColumn { table, column } => out.push(format!(
            "{} DROP COLUMN {}",
            alter(table),
            quote(&column.name)
        )),
        AlterColumn { table, to, .. } => {
            out.push(format!("{} MODIFY COLUMN {}", alter(table), column_sql(to)))
        }
        AddIndex { table, index } => out.push(create_index(table, index)),
        DropIndex { table, index } => out.push(format!(
            "DROP INDEX {} ON {}",
            quote(&index.name),
            quote(table)
        )),
        AddUnique { table, unique } => out.push(format!(
            "{} ADD CONSTRAINT {} UNIQUE ({})",
            alter(table),
            quote(&unique.name),
            quoted_list(&unique.columns)
        )),
        DropUnique { table, unique } => out.push(format!(
            "DROP INDEX {} ON {}",
            quote(&unique.name),
            quote(table)
        )),
        AddForeignKey { table, key } => {
            out.push(format!("{} ADD {}", alter(table), foreign_key(key)))
        }
        DropForeignKey { table, key } => {
            out.push(format!(
                "{} DROP FOREIGN KEY {}",
                alter(table),
                quote(&key.name)
            ));
            // MySQL made an index of that name for the key unless another index served it.
            if current
                .table(table)
                .is_some_and(|t| !served_by_other_index(t, key))
            {
                out.push(format!(
                    "DROP INDEX {} ON {}",
                    quote(&key.name),
                    quote(table)
                ));
            }
        }
        AddCheck { table, check } => out.push(format!(
            "{} ADD CONSTRAINT {} CHECK {}",
            alter(table),
            quote(&check.name),
            parenthesised(&check.expression)
        )),
        DropCheck { table, check } => out.push(format!(
            "{} DROP CONSTRAINT {}",
            alter(table),
            quote(&check.name)
        )),
    }
}

/// True when an index, unique constraint or the primary key starts with the key's columns.
fn served_by_other_index(table: &Table, key: &ForeignKey) -> bool {
    let starts = |columns: &[String]| {
        columns.len() >= key.columns.len() && columns[..key.columns.len()] == key.columns[..]
    };
    starts(&table.primary_key)
        || table.uniques.iter().any(|u| starts(&u.columns))
        || table
            .indexes
            .iter()
            .any(|i| i.name != key.name && starts(&i.columns))
}

fn type_sql(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Numeric(p, s) => format!("DECIMAL({p}, {s})"),
        ColumnType::Real => "FLOAT".into(),
        ColumnType::Double => "DOUBLE".into(),
        ColumnType::Timestamp => "DATETIME".into(),
        ColumnType::TimestampTz => "TIMESTAMP".into(),
        ColumnType::Jsonb => "JSON".into(),
        ColumnType::Bytes => "BLOB".into(),
        ColumnType::Enum(_) => "TEXT".into(),
        ColumnType::EnumValues(values) => {
            format!(
                "ENUM({})",
                values
                    .iter()
                    .map(|v| literal(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        other => common_type(other).unwrap_or_else(|| "TEXT".into()),
    }
}

fn column_sql(column: &Column) -> String {
    let mut sql = column_head(column, &type_sql(&column.ty), Database::Mysql);
    if column.autoincrement {
        sql.push_str(" AUTO_INCREMENT");
    }
    if let Some(comment) = &column.comment {
        sql.push_str(&format!(" COMMENT {}", literal(comment)));
    }
    sql
}

fn create_table(table: &Table, out: &mut Vec<String>) {
    // The server's own text holds the table's keys and indexes too.
    if let Some(sql) = &table.sql {
        out.push(sql.clone());
        return;
    }
    let mut lines: Vec<String> = table.columns.iter().map(column_sql).collect();
    if !table.primary_key.is_empty() {
        lines.push(format!("PRIMARY KEY ({})", quoted_list(&table.primary_key)));
    }
    out.push(create_table_sql(&table.name, lines, table));
    for index in &table.indexes {
        out.push(create_index(&table.name, index));
    }
}

#[cfg(test)]
mod tests;
