//! Renders changes as SQL per dialect, upgrade and downgrade, and as the sections of a new
//! migration file. Deterministic: the same changes give the same bytes.

mod mysql;
mod postgres;
pub mod rust;
mod sqlite;

use super::diff::Change;
use super::model::{Column, ColumnType, Default, Schema};
use crate::dialect::Kind;

/// The statements that apply `changes` (which turn `current` into `desired`) on `kind`.
pub fn statements(
    changes: &[Change],
    current: &Schema,
    desired: &Schema,
    kind: Kind,
) -> Vec<String> {
    match kind {
        Kind::Postgres => postgres::statements(changes),
        Kind::Sqlite => sqlite::statements(changes, current, desired),
        Kind::Mysql => mysql::statements(changes, current),
    }
}

/// Enum values a migration adds in place and also uses as a column default, as `type.value`.
/// PostgreSQL cannot use a value added in the same transaction ("unsafe use of new value"), so
/// such a migration must run with `Transaction: none` there.
pub fn enum_values_added_and_used(changes: &[Change], kind: Kind) -> Vec<String> {
    if kind != Kind::Postgres {
        return Vec::new();
    }
    let added: Vec<(&str, &str)> = changes
        .iter()
        .filter_map(|change| match change {
            Change::AlterEnum { from, to, .. } if postgres::only_additions(from, to) => Some(
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
            (ColumnType::Enum(name), Some(Default::Text(value)))
                if added.contains(&(name.as_str(), value.as_str())) =>
            {
                Some(format!("{name}.{value}"))
            }
            _ => None,
        })
        .collect()
}

/// Upgrade and downgrade sections for one dialect, ready to sit under a migration header.
pub fn sections(changes: &[Change], current: &Schema, desired: &Schema, kind: Kind) -> String {
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

/// `expression` in parentheses, unless one pair already encloses all of it.
pub fn parenthesised(expression: &str) -> String {
    let mut depth = 0usize;
    let mut quoted = false;
    let enclosed = expression.starts_with('(')
        && expression.char_indices().all(|(at, c)| {
            match c {
                '\'' => quoted = !quoted,
                '(' if !quoted => depth += 1,
                ')' if !quoted => {
                    depth = depth.saturating_sub(1);
                    // The first parenthesis closes before the end: it does not enclose all.
                    if depth == 0 && at + 1 < expression.len() {
                        return false;
                    }
                }
                _ => {}
            }
            true
        });
    if enclosed {
        expression.to_string()
    } else {
        format!("({expression})")
    }
}

/// `CREATE TABLE name (...)` from the dialect's column and key lines, followed by the table's
/// unique, check and foreign-key constraints, which every dialect spells alike.
fn create_table_sql(name: &str, mut lines: Vec<String>, table: &super::model::Table) -> String {
    for unique in &table.uniques {
        lines.push(format!(
            "CONSTRAINT {} UNIQUE ({})",
            quote(&unique.name),
            quoted_list(&unique.columns)
        ));
    }
    for check in &table.checks {
        lines.push(format!(
            "CONSTRAINT {} CHECK {}",
            quote(&check.name),
            parenthesised(&check.expression)
        ));
    }
    lines.extend(table.foreign_keys.iter().map(foreign_key));
    format!(
        "CREATE TABLE {} (\n    {}\n)",
        quote(name),
        lines.join(",\n    ")
    )
}

/// A table constraint for a foreign key, spelled alike by every dialect.
fn foreign_key(key: &super::model::ForeignKey) -> String {
    format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
        quote(&key.name),
        quoted_list(&key.columns),
        quote(&key.ref_table),
        quoted_list(&key.ref_columns),
        key.on_delete.sql(),
        key.on_update.sql()
    )
}

/// `CREATE [UNIQUE] INDEX`, spelled alike by PostgreSQL and SQLite.
fn create_index(table: &str, index: &super::model::Index) -> String {
    format!(
        "CREATE {}INDEX {} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        quote(&index.name),
        quote(table),
        quoted_list(&index.columns)
    )
}

pub fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

pub fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A default as `kind` spells it.
pub fn default_sql(default: &Default, kind: Kind) -> String {
    match (default, kind) {
        (Default::Bool(b), Kind::Postgres) => b.to_string(),
        (Default::Bool(b), Kind::Sqlite | Kind::Mysql) => i32::from(*b).to_string(),
        (Default::Int(n), _) => n.to_string(),
        (Default::Text(text), _) => literal(text),
        (Default::Now, Kind::Postgres) => "now()".into(),
        (Default::Now, Kind::Sqlite | Kind::Mysql) => "CURRENT_TIMESTAMP".into(),
        (Default::Expr(expr), Kind::Postgres) => expr.clone(),
        (Default::Expr(expr), Kind::Sqlite | Kind::Mysql) => parenthesised(expr),
    }
}

/// `"name" TYPE [NOT NULL] [DEFAULT x]`, the part of a column definition both dialects share.
fn column_head(column: &Column, type_sql: &str, kind: Kind) -> String {
    let mut sql = format!("{} {type_sql}", quote(&column.name));
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(default) = &column.default {
        sql.push_str(&format!(" DEFAULT {}", default_sql(default, kind)));
    }
    sql
}

/// Types both dialects spell alike.
fn common_type(ty: &ColumnType) -> Option<String> {
    Some(match ty {
        ColumnType::SmallInt => "SMALLINT".into(),
        ColumnType::Integer => "INTEGER".into(),
        ColumnType::BigInt => "BIGINT".into(),
        ColumnType::Text => "TEXT".into(),
        ColumnType::Varchar(n) => format!("VARCHAR({n})"),
        ColumnType::Boolean => "BOOLEAN".into(),
        ColumnType::Numeric(p, s) => format!("NUMERIC({p}, {s})"),
        ColumnType::Real => "REAL".into(),
        ColumnType::Timestamp => "TIMESTAMP".into(),
        ColumnType::Date => "DATE".into(),
        ColumnType::Uuid => "UUID".into(),
        ColumnType::Json => "JSON".into(),
        ColumnType::Other(text) => text.clone(),
        _ => return None,
    })
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
