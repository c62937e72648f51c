//! SQLite's schema from two queries over the table-valued pragmas, plus each table's CREATE
//! statement for what the pragmas do not keep (constraint names, CHECKs), then the tables
//! kept as their own text, the objects kept only as text (views, triggers, odd indexes) and
//! what is left out: five queries.
//! Must not import the runner or autogenerate.

use std::collections::BTreeMap;

use sqlx::Row;
use sqlx::sqlite::SqliteConnection;

mod definitions;
mod left_out;

use super::create_statement;
use crate::driver::Introspection;
use crate::schema::model::{Column, ColumnDefault, ColumnType, Index, Schema, Table};

const COLUMNS: &str = "\
SELECT m.name, m.sql, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk \
  FROM sqlite_master m JOIN pragma_table_info(m.name) p \
 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
   AND m.name NOT IN (SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('virtual', 'shadow')) \
 ORDER BY m.name, p.cid";

/// Indexes over plain columns; the others are kept as text (see `definitions`).
const INDEXES: &str = concat!(
    "\
SELECT m.tbl_name, m.name, il.\"unique\", ii.name \
  FROM sqlite_master m JOIN pragma_index_list(m.tbl_name) il ON il.name = m.name \
  JOIN pragma_index_info(m.name) ii \
 WHERE m.type = 'index' AND m.sql IS NOT NULL AND NOT ",
    definitions::odd_index!(),
    " \
 ORDER BY m.tbl_name, m.name, ii.seqno"
);

/// A table being read: its columns so far, its CREATE statement, its key by position.
struct Pending {
    table: Table,
    sql: String,
    key: Vec<(i64, String)>,
}

pub(super) async fn introspect(
    connection: &mut SqliteConnection,
    ignored: &crate::bookkeeping::Ours,
) -> Result<Introspection, sqlx::Error> {
    let mut queries = 0;
    let mut tables: BTreeMap<String, Pending> = BTreeMap::new();
    // Tables with a column whose declared type the model would spell otherwise (DATETIME,
    // FLOAT, INT...): written as their own text, so the declaration stays as it was.
    let mut respelled: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for row in fetch(connection, COLUMNS, &mut queries).await? {
        let name: String = row.get(0);
        if ignored.contains(&name) {
            continue;
        }
        let entry = tables.entry(name.clone()).or_insert_with(|| Pending {
            table: Table::new(&name),
            sql: row.get(1),
            key: Vec::new(),
        });
        let (column_name, declared, not_null, default, pk): (
            String,
            String,
            bool,
            Option<String>,
            i64,
        ) = (row.get(2), row.get(3), row.get(4), row.get(5), row.get(6));
        if pk > 0 {
            entry.key.push((pk, column_name.clone()));
        }
        let spelled = super::render::type_sql(&column_type(&declared));
        if !same_words(&spelled, &declared) {
            respelled.insert(name.clone());
        }
        entry.table.columns.push(Column {
            name: column_name,
            ty: column_type(&declared),
            nullable: !not_null && pk == 0,
            default: default.as_deref().and_then(parse_default),
            autoincrement: false,
            comment: None,
            generated: None,
        });
    }
    let mut indexes: BTreeMap<(String, String), Index> = BTreeMap::new();
    for row in fetch(connection, INDEXES, &mut queries).await? {
        let (table, name, unique, column): (String, String, bool, String) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        indexes
            .entry((table, name.clone()))
            .or_insert_with(|| Index {
                name,
                columns: Vec::new(),
                unique,
            })
            .columns
            .push(column);
    }
    let mut schema = Schema::default();
    let mut table_texts: BTreeMap<String, String> = BTreeMap::new();
    for (
        name,
        Pending {
            mut table,
            sql,
            key: mut pk,
        },
    ) in tables
    {
        pk.sort();
        table.primary_key = pk.into_iter().map(|(_, c)| c).collect();
        if let [only] = table.primary_key.as_slice()
            && let Some(column) = table.columns.iter_mut().find(|c| &c.name == only)
        {
            // An INTEGER PRIMARY KEY is the rowid: the database numbers it.
            column.autoincrement = column.ty == ColumnType::Integer;
        }
        let found = create_statement::constraints(&name, &sql);
        table_texts.insert(name.clone(), sql);
        for column in &mut table.columns {
            if let Some(values) = found.enums.get(&column.name) {
                column.ty = ColumnType::EnumValues(values.clone());
            }
        }
        table.uniques = found.uniques;
        table.checks = found.checks;
        table.foreign_keys = found.foreign_keys;
        table.indexes = indexes
            .iter()
            .filter(|((t, _), _)| *t == name)
            .map(|(_, index)| index.clone())
            .collect();
        schema.tables.push(table);
    }
    schema.sort();
    queries += 3;
    let mut odd = definitions::odd_tables(connection).await?;
    odd.extend(respelled);
    definitions::keep_own_text(&mut schema, &table_texts, &odd);
    schema.definitions = definitions::read(connection, ignored).await?;
    schema.left_out = left_out::read(connection, ignored).await?;
    schema.sort();
    Ok(Introspection { schema, queries })
}

/// Whether two type declarations are the same words, whatever their case and spacing.
fn same_words(a: &str, b: &str) -> bool {
    let words = |s: &str| {
        s.to_ascii_uppercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    words(a) == words(b)
}

/// A declared type to a portable one; SQLite keeps declarations as written.
pub(super) fn column_type(declared: &str) -> ColumnType {
    let upper = declared.trim().to_ascii_uppercase();
    let numbers: Vec<u32> = upper
        .split(['(', ')', ','])
        .skip(1)
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    let base = upper.split('(').next().unwrap_or_default().trim();
    match (base, numbers.as_slice()) {
        ("INTEGER" | "INT", _) => ColumnType::Integer,
        ("BIGINT", _) => ColumnType::BigInt,
        ("SMALLINT", _) => ColumnType::SmallInt,
        ("TEXT", _) => ColumnType::Text,
        ("VARCHAR" | "CHARACTER VARYING", [n]) => ColumnType::Varchar(*n),
        ("BOOLEAN", _) => ColumnType::Boolean,
        ("NUMERIC" | "DECIMAL", [p, s]) => ColumnType::Numeric(*p, *s),
        ("REAL", _) => ColumnType::Real,
        ("DOUBLE" | "DOUBLE PRECISION" | "FLOAT", _) => ColumnType::Double,
        ("TIMESTAMP" | "DATETIME", _) => ColumnType::Timestamp,
        ("TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE", _) => ColumnType::TimestampTz,
        ("DATE", _) => ColumnType::Date,
        ("UUID", _) => ColumnType::Uuid,
        ("JSON", _) => ColumnType::Json,
        ("JSONB", _) => ColumnType::Jsonb,
        ("BLOB" | "BYTEA" | "BYTES", _) => ColumnType::Bytes,
        _ => ColumnType::Other(declared.trim().to_string()),
    }
}

/// `dflt_value` as SQLite keeps it: the default's SQL text.
pub(super) fn parse_default(raw: &str) -> Option<ColumnDefault> {
    let text = raw.trim();
    let upper = text.to_ascii_uppercase();
    Some(match upper.as_str() {
        "NULL" => return None,
        "CURRENT_TIMESTAMP" => ColumnDefault::Now,
        "TRUE" => ColumnDefault::Bool(true),
        "FALSE" => ColumnDefault::Bool(false),
        _ => match text
            .trim_start_matches('(')
            .trim_end_matches(')')
            .parse::<i64>()
        {
            Ok(n) => ColumnDefault::Int(n),
            Err(_) => match text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
                Some(inner) if !inner.replace("''", "").contains('\'') => {
                    ColumnDefault::Text(inner.replace("''", "'"))
                }
                _ => ColumnDefault::Expr(text.to_string()),
            },
        },
    })
}

/// Runs one catalogue query, counting the round trip.
async fn fetch(
    connection: &mut SqliteConnection,
    sql: &'static str,
    queries: &mut usize,
) -> Result<Vec<sqlx::sqlite::SqliteRow>, sqlx::Error> {
    *queries += 1;
    sqlx::query(sql).fetch_all(connection).await
}
