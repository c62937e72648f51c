//! MySQL and MariaDB schemas from information_schema in ten queries, whatever the number of
//! tables (the last list and read what the model does not hold, see `exact`; one more per
//! table, routine, trigger, event or sequence kept as its own text), with the names the database gave
//! (`Schema::normalized` renames them for comparing with models). Must not import the runner
//! or autogenerate.

use std::collections::BTreeMap;

use sqlx::mysql::{MySqlConnection, MySqlRow};
use sqlx::{AssertSqlSafe, Row};

mod exact;
mod left_out;

use crate::driver::Introspection;
use crate::schema::model::{
    Action, Check, Column, ColumnDefault, ColumnType, ForeignKey, Index, Schema, Table, Unique,
};

const COLUMNS: &str = "\
SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), CAST(COLUMN_TYPE AS CHAR), CAST(IS_NULLABLE AS CHAR), \
       CAST(REPLACE(REPLACE(COLUMN_DEFAULT, CONCAT('`', DATABASE(), '`.'), ''), CONCAT('\"', DATABASE(), '\".'), '') AS CHAR), CAST(EXTRA AS CHAR), \
       CAST(COLUMN_COMMENT AS CHAR), VERSION() LIKE '%MariaDB%' \
  FROM information_schema.COLUMNS c WHERE TABLE_SCHEMA = DATABASE() \
   AND EXISTS (SELECT 1 FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = c.TABLE_SCHEMA \
               AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE') \
 ORDER BY TABLE_NAME, ORDINAL_POSITION";

const KEYS: &str = "\
SELECT CAST(tc.TABLE_NAME AS CHAR), CAST(tc.CONSTRAINT_NAME AS CHAR), CAST(tc.CONSTRAINT_TYPE AS CHAR), \
       CAST(k.COLUMN_NAME AS CHAR), CAST(k.REFERENCED_TABLE_NAME AS CHAR), CAST(k.REFERENCED_COLUMN_NAME AS CHAR), \
       CAST(r.DELETE_RULE AS CHAR), CAST(r.UPDATE_RULE AS CHAR) \
  FROM information_schema.TABLE_CONSTRAINTS tc \
  JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA \
       AND k.TABLE_NAME = tc.TABLE_NAME AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME \
  LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA \
       AND r.TABLE_NAME = tc.TABLE_NAME AND r.CONSTRAINT_NAME = tc.CONSTRAINT_NAME \
 WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY') \
 ORDER BY tc.TABLE_NAME, tc.CONSTRAINT_NAME, k.ORDINAL_POSITION";

/// Indexes over whole columns; the others are left out (see `left_out`).
const INDEXES: &str = concat!(
    "\
SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), NON_UNIQUE, CAST(COLUMN_NAME AS CHAR) \
  FROM information_schema.STATISTICS s WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME IS NOT NULL \
   AND NOT EXISTS (SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = s.TABLE_SCHEMA \
                   AND TABLE_NAME = s.TABLE_NAME AND INDEX_NAME = s.INDEX_NAME AND ",
    left_out::odd_index!(),
    ") \
 ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
);

const CHECKS: &str = "\
SELECT CAST(tc.TABLE_NAME AS CHAR), CAST(tc.CONSTRAINT_NAME AS CHAR), CAST(cc.CHECK_CLAUSE AS CHAR) \
  FROM information_schema.TABLE_CONSTRAINTS tc JOIN information_schema.CHECK_CONSTRAINTS cc \
       ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME \
 WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE = 'CHECK' ORDER BY 1, 2";

pub(super) async fn introspect(
    connection: &mut MySqlConnection,
    ignored: &crate::bookkeeping::Ours,
) -> Result<Introspection, sqlx::Error> {
    let mut queries = 0;
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    for row in fetch(connection, COLUMNS, &mut queries).await? {
        let name: String = row.get(0);
        if !ignored.contains(&name) {
            let column = column(&row);
            tables
                .entry(name.clone())
                .or_insert_with(|| Table::new(&name))
                .columns
                .push(column);
        }
    }
    let mut constraint_names: Vec<(String, String)> = Vec::new();
    for row in fetch(connection, KEYS, &mut queries).await? {
        let (table_name, name, kind): (String, String, String) =
            (row.get(0), row.get(1), row.get(2));
        constraint_names.push((table_name.clone(), name.clone()));
        let Some(table) = tables.get_mut(&table_name) else {
            continue;
        };
        key(table, &name, &kind, &row);
    }
    for row in fetch(connection, INDEXES, &mut queries).await? {
        let (table_name, name, non_unique, column): (String, String, i64, String) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        let backs_a_constraint =
            name == "PRIMARY" || constraint_names.contains(&(table_name.clone(), name.clone()));
        let Some(table) = tables.get_mut(&table_name).filter(|_| !backs_a_constraint) else {
            continue;
        };
        match table.indexes.last_mut() {
            Some(index) if index.name == name => index.columns.push(column),
            _ => table.indexes.push(Index {
                name,
                columns: vec![column],
                unique: non_unique == 0,
            }),
        }
    }
    for row in fetch(connection, CHECKS, &mut queries).await? {
        let (table_name, name, clause): (String, String, String) =
            (row.get(0), row.get(1), row.get(2));
        let Some(table) = tables.get_mut(&table_name) else {
            continue;
        };
        check(table, name, clause);
    }
    let (found, read) = left_out::read(connection, ignored).await?;
    queries += read;
    let mut schema = Schema {
        enums: Vec::new(),
        tables: tables.into_values().collect(),
        ..Schema::default()
    };
    let (left_out, more) = exact::carry(connection, &mut schema, found).await?;
    schema.left_out = left_out;
    queries += more;
    schema.sort();
    Ok(Introspection { schema, queries })
}

async fn fetch(
    connection: &mut MySqlConnection,
    sql: &'static str,
    queries: &mut usize,
) -> Result<Vec<MySqlRow>, sqlx::Error> {
    *queries += 1;
    sqlx::query(AssertSqlSafe(sql)).fetch_all(connection).await
}

fn column(row: &MySqlRow) -> Column {
    let (column_type, nullable, default, extra, comment): (
        String,
        String,
        Option<String>,
        String,
        String,
    ) = (row.get(2), row.get(3), row.get(4), row.get(5), row.get(6));
    // MariaDB quotes a literal default and shows an expression bare; MySQL shows both bare and
    // marks an expression DEFAULT_GENERATED.
    let mariadb = row.get::<i64, _>(7) != 0;
    let expression = mariadb || extra.contains("DEFAULT_GENERATED");
    Column {
        name: row.get(1),
        ty: column_type_of(&column_type),
        nullable: nullable == "YES",
        default: default
            .as_deref()
            .and_then(|d| parse_default(d, expression)),
        autoincrement: extra.to_ascii_lowercase().contains("auto_increment"),
        comment: (!comment.is_empty()).then_some(comment),
        generated: None,
    }
}

fn key(table: &mut Table, name: &str, kind: &str, row: &MySqlRow) {
    let column: String = row.get(3);
    match kind {
        "PRIMARY KEY" => table.primary_key.push(column),
        "UNIQUE" => match table.uniques.last_mut() {
            Some(unique) if unique.name == name => unique.columns.push(column),
            _ => table.uniques.push(Unique {
                name: name.to_string(),
                columns: vec![column],
            }),
        },
        _ => {
            let (ref_table, ref_column): (Option<String>, Option<String>) =
                (row.get(4), row.get(5));
            match table.foreign_keys.last_mut() {
                Some(key) if key.name == name => {
                    key.columns.push(column);
                    key.ref_columns.extend(ref_column);
                }
                _ => table.foreign_keys.push(ForeignKey {
                    name: name.to_string(),
                    columns: vec![column],
                    ref_table: ref_table.unwrap_or_default(),
                    ref_columns: ref_column.into_iter().collect(),
                    on_delete: Action::parse(&row.get::<Option<String>, _>(6).unwrap_or_default()),
                    on_update: Action::parse(&row.get::<Option<String>, _>(7).unwrap_or_default()),
                }),
            }
        }
    }
}

/// MariaDB keeps a JSON column as LONGTEXT with a `json_valid` check: that is the type.
fn check(table: &mut Table, name: String, clause: String) {
    if clause.to_ascii_lowercase().starts_with("json_valid(")
        && let Some(column) = table.columns.iter_mut().find(|c| c.name == name)
    {
        column.ty = ColumnType::Json;
        return;
    }
    table.checks.push(Check {
        name,
        expression: clause,
    });
}

/// `COLUMN_TYPE` to a portable type.
pub(super) fn column_type_of(column_type: &str) -> ColumnType {
    let lower = column_type.trim().to_ascii_lowercase();
    let base = lower.split(['(', ' ']).next().unwrap_or_default();
    let numbers: Vec<u32> = lower
        .split(['(', ')', ','])
        .skip(1)
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    match (base, numbers.as_slice()) {
        ("tinyint", [1]) | ("boolean" | "bool", _) => ColumnType::Boolean,
        ("smallint", _) => ColumnType::SmallInt,
        ("int" | "integer" | "mediumint", _) => ColumnType::Integer,
        ("bigint", _) => ColumnType::BigInt,
        ("varchar", [n]) => ColumnType::Varchar(*n),
        ("text" | "mediumtext" | "longtext" | "tinytext", _) => ColumnType::Text,
        ("decimal" | "numeric", [p, s]) => ColumnType::Numeric(*p, *s),
        ("float", _) => ColumnType::Real,
        ("double", _) => ColumnType::Double,
        ("datetime", _) => ColumnType::Timestamp,
        // Stored in UTC and shown in the session's time zone: MySQL's time-zone-aware type.
        ("timestamp", _) => ColumnType::TimestampTz,
        ("date", _) => ColumnType::Date,
        ("json", _) => ColumnType::Json,
        ("uuid", _) => ColumnType::Uuid,
        ("blob" | "longblob" | "mediumblob" | "varbinary" | "binary", _) => ColumnType::Bytes,
        ("enum", _) => ColumnType::EnumValues(enum_values(
            &column_type[column_type.find('(').map_or(0, |i| i + 1)..],
        )),
        _ => ColumnType::Other(column_type.to_string()),
    }
}

/// `'a','b''c')` to its strings.
fn enum_values(list: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut chars = list.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut value = String::new();
        while let Some(c) = chars.next() {
            if c == '\'' {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    value.push('\'');
                    continue;
                }
                break;
            }
            value.push(c);
        }
        values.push(value);
    }
    values
}

/// `COLUMN_DEFAULT` as MariaDB (quoted literals) and MySQL (bare values) print it.
/// A default as information_schema shows it; `expression` says a bare text is an expression
/// (the database's own qualifier already taken out of it), not a literal. A bare number is a
/// number either way.
pub(super) fn parse_default(raw: &str, expression: bool) -> Option<ColumnDefault> {
    let text = raw.trim();
    let lower = text.to_ascii_lowercase();
    if lower == "null" {
        return None;
    }
    if lower.starts_with("current_timestamp") || lower == "now()" {
        return Some(ColumnDefault::Now);
    }
    if let Ok(n) = text.parse::<i64>() {
        return Some(ColumnDefault::Int(n));
    }
    match text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        Some(inner) => Some(ColumnDefault::Text(unescape(inner))),
        None if expression && text.parse::<f64>().is_err() => {
            Some(ColumnDefault::Expr(text.to_string()))
        }
        None => Some(ColumnDefault::Text(text.to_string())),
    }
}

/// A string literal's content: MariaDB escapes quotes with a backslash, SQL doubles them.
fn unescape(inner: &str) -> String {
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '\'' if chars.peek() == Some(&'\'') => {
                chars.next();
                out.push('\'');
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests;
