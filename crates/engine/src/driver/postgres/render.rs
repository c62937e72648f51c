//! PostgreSQL: ENUM types created before the tables that use them and dropped after, new
//! values with `ALTER TYPE ... ADD VALUE`, a removed value by rebuilding the type.
//! Pure text: must not import sqlx, the runner or autogenerate.

use crate::schema::diff::Change;
use crate::schema::model::{Column, ColumnDefault, ColumnType, EnumType, Table};
use crate::schema::render::{
    column_head, common_type, create_index, create_table_sql, default_sql, foreign_key,
    parenthesised,
};
use crate::sql::{literal, quote, quoted_list};
use aurora_migrate_core::Database;

pub(crate) fn statements(changes: &[Change]) -> Vec<String> {
    let mut out = Vec::new();
    for change in changes {
        render(change, &mut out);
    }
    out
}

fn render(change: &Change, out: &mut Vec<String>) {
    use Change::*;
    let alter = |table: &str| format!("ALTER TABLE {}", quote(table));
    match change {
        CreateEnum(e) => out.push(format!(
            "CREATE TYPE {} AS ENUM ({})",
            quote(&e.name),
            values(e)
        )),
        DropEnum(e) => out.push(format!("DROP TYPE IF EXISTS {}", quote(&e.name))),
        AlterEnum { from, to, columns } => alter_enum(from, to, columns, out),
        CreateTable(table) => create_table(table, out),
        DropTable(table) => out.push(format!("DROP TABLE {}", quote(&table.name))),
        AddColumn { table, column } => {
            out.push(format!(
                "{} ADD COLUMN {}",
                alter(table),
                column_head(column, &type_sql(column), Database::Postgres)
            ));
            comment(table, column, out);
        }
        DropColumn { table, column } => out.push(format!(
            "{} DROP COLUMN {}",
            alter(table),
            quote(&column.name)
        )),
        AlterColumn { table, from, to } => alter_column(table, from, to, out),
        AddIndex { table, index } => out.push(create_index(table, index)),
        DropIndex { index, .. } => out.push(format!("DROP INDEX {}", quote(&index.name))),
        AddUnique { table, unique } => out.push(format!(
            "{} ADD CONSTRAINT {} UNIQUE ({})",
            alter(table),
            quote(&unique.name),
            quoted_list(&unique.columns)
        )),
        DropUnique { table, unique } => out.push(format!(
            "{} DROP CONSTRAINT {}",
            alter(table),
            quote(&unique.name)
        )),
        AddForeignKey { table, key } => {
            out.push(format!("{} ADD {}", alter(table), foreign_key(key)))
        }
        DropForeignKey { table, key } => out.push(format!(
            "{} DROP CONSTRAINT {}",
            alter(table),
            quote(&key.name)
        )),
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

fn values(e: &EnumType) -> String {
    e.values
        .iter()
        .map(|v| literal(v))
        .collect::<Vec<_>>()
        .join(", ")
}

fn create_table(table: &Table, out: &mut Vec<String>) {
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| column_head(c, &type_sql(c), Database::Postgres))
        .collect();
    if !table.primary_key.is_empty() {
        lines.push(format!(
            "CONSTRAINT {} PRIMARY KEY ({})",
            quote(&format!("{}_pkey", table.name)),
            quoted_list(&table.primary_key)
        ));
    }
    out.push(create_table_sql(&table.name, lines, table));
    for index in &table.indexes {
        render(
            &Change::AddIndex {
                table: table.name.clone(),
                index: index.clone(),
            },
            out,
        );
    }
    for column in &table.columns {
        comment(&table.name, column, out);
    }
}

fn comment(table: &str, column: &Column, out: &mut Vec<String>) {
    if let Some(text) = &column.comment {
        out.push(format!(
            "COMMENT ON COLUMN {}.{} IS {}",
            quote(table),
            quote(&column.name),
            literal(text)
        ));
    }
}

fn alter_column(table: &str, from: &Column, to: &Column, out: &mut Vec<String>) {
    let head = format!(
        "ALTER TABLE {} ALTER COLUMN {}",
        quote(table),
        quote(&to.name)
    );
    if from.ty != to.ty {
        if from.default.is_some() {
            out.push(format!("{head} DROP DEFAULT"));
        }
        let target = type_sql(&Column {
            autoincrement: false,
            ..to.clone()
        });
        let via_text =
            matches!(to.ty, ColumnType::Enum(_)) || matches!(from.ty, ColumnType::Enum(_));
        let using = if via_text {
            format!("{}::text::{target}", quote(&to.name))
        } else {
            format!("{}::{target}", quote(&to.name))
        };
        out.push(format!("{head} TYPE {target} USING {using}"));
        if let Some(default) = &to.default {
            out.push(format!(
                "{head} SET DEFAULT {}",
                default_sql(default, Database::Postgres)
            ));
        }
    } else if from.default != to.default {
        match &to.default {
            Some(default) => out.push(format!(
                "{head} SET DEFAULT {}",
                default_sql(default, Database::Postgres)
            )),
            None => out.push(format!("{head} DROP DEFAULT")),
        }
    }
    if from.nullable != to.nullable {
        out.push(format!(
            "{head} {} NOT NULL",
            if to.nullable { "DROP" } else { "SET" }
        ));
    }
    if from.comment != to.comment {
        match &to.comment {
            Some(_) => comment(table, to, out),
            None => out.push(format!(
                "COMMENT ON COLUMN {}.{} IS NULL",
                quote(table),
                quote(&to.name)
            )),
        }
    }
}

/// New values are added in place; a removed or reordered value rebuilds the type, which
/// fails (and rolls back) if a row still holds a removed value, rather than losing it.
fn alter_enum(from: &EnumType, to: &EnumType, columns: &[(String, Column)], out: &mut Vec<String>) {
    if to.only_adds_to(from) {
        for (position, value) in to.values.iter().enumerate() {
            if from.values.contains(value) {
                continue;
            }
            let place = match position {
                // Before the first value that already exists: values added ahead of it do not
                // exist yet when this statement runs.
                0 => from
                    .values
                    .first()
                    .map(|first| format!(" BEFORE {}", literal(first)))
                    .unwrap_or_default(),
                _ => format!(" AFTER {}", literal(&to.values[position - 1])),
            };
            out.push(format!(
                "ALTER TYPE {} ADD VALUE IF NOT EXISTS {}{place}",
                quote(&to.name),
                literal(value)
            ));
        }
        return;
    }
    let old = format!("{}__old", to.name);
    out.push(format!(
        "ALTER TYPE {} RENAME TO {}",
        quote(&to.name),
        quote(&old)
    ));
    out.push(format!(
        "CREATE TYPE {} AS ENUM ({})",
        quote(&to.name),
        values(to)
    ));
    for (table, column) in columns {
        let head = format!(
            "ALTER TABLE {} ALTER COLUMN {}",
            quote(table),
            quote(&column.name)
        );
        if column.default.is_some() {
            out.push(format!("{head} DROP DEFAULT"));
        }
        out.push(format!(
            "{head} TYPE {} USING {}::text::{}",
            quote(&to.name),
            quote(&column.name),
            quote(&to.name)
        ));
        // A default that is a removed value is not restored; the column's own change sets
        // its new default.
        let removed = matches!(&column.default, Some(ColumnDefault::Text(value)) if !to.values.contains(value));
        if let Some(default) = column.default.as_ref().filter(|_| !removed) {
            out.push(format!(
                "{head} SET DEFAULT {}",
                default_sql(default, Database::Postgres)
            ));
        }
    }
    out.push(format!("DROP TYPE {}", quote(&old)));
}

pub(crate) fn type_sql(column: &Column) -> String {
    // An identity column says how it is numbered in its own clause: its type stays plain.
    let serial = column.autoincrement && column.generated.is_none();
    match (&column.ty, serial) {
        (ColumnType::Integer, true) => "SERIAL".into(),
        (ColumnType::BigInt, true) => "BIGSERIAL".into(),
        (ColumnType::SmallInt, true) => "SMALLSERIAL".into(),
        (ColumnType::Double, _) => "DOUBLE PRECISION".into(),
        (ColumnType::TimestampTz, _) => "TIMESTAMPTZ".into(),
        (ColumnType::Jsonb, _) => "JSONB".into(),
        (ColumnType::Bytes, _) => "BYTEA".into(),
        (ColumnType::Enum(name), _) => quote(name),
        (ColumnType::EnumValues(_), _) => "TEXT".into(),
        (other, _) => common_type(other).unwrap_or_else(|| "TEXT".into()),
    }
}
