//! PostgreSQL's schema from pg_catalog in six queries, whatever the number of tables: four
//! for what the model carries (a generated or identity column's clause and a partition key
//! in the database's own words among them), one for the objects carried as their own text,
//! one for what is left out.
//! Must not import the runner or autogenerate.

use std::collections::BTreeMap;

use sqlx::postgres::PgConnection;
use sqlx::{Row, postgres::PgRow};

mod definitions;
mod left_out;

use crate::driver::Introspection;
use crate::schema::model::{
    Action, Check, Column, ColumnDefault, ColumnType, EnumType, ForeignKey, Index, Schema, Table,
    Unique,
};

const COLUMNS: &str = "\
SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), t.typtype::text, t.typname::text, \
       a.attnotnull, CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END, a.attidentity::text, col_description(c.oid, a.attnum), \
       COALESCE(pg_get_expr(d.adbin, d.adrelid) = own.draw, false), \
       CASE WHEN a.attgenerated = 's' THEN format('GENERATED ALWAYS AS (%s) STORED', pg_get_expr(d.adbin, d.adrelid)) \
            WHEN a.attidentity <> '' THEN \
            (SELECT format('GENERATED %s AS IDENTITY (SEQUENCE NAME %I%s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s%s)', \
                           CASE a.attidentity WHEN 'a' THEN 'ALWAYS' ELSE 'BY DEFAULT' END, sq.relname, \
                           CASE WHEN q.seqtypid <> a.atttypid THEN ' AS ' || format_type(q.seqtypid, NULL) ELSE '' END, \
                           q.seqincrement, q.seqmin, q.seqmax, q.seqstart, q.seqcache, CASE WHEN q.seqcycle THEN ' CYCLE' ELSE '' END) \
               FROM pg_depend dp JOIN pg_class sq ON sq.oid = dp.objid AND sq.relkind = 'S' JOIN pg_sequence q ON q.seqrelid = sq.oid \
              WHERE dp.classid = 'pg_class'::regclass AND dp.refclassid = 'pg_class'::regclass AND dp.deptype = 'i' \
                AND dp.refobjid = c.oid AND dp.refobjsubid = a.attnum) END, \
       CASE WHEN c.relkind = 'p' THEN 'PARTITION BY ' || pg_get_partkeydef(c.oid) END \
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
  JOIN pg_type t ON t.oid = a.atttypid \
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum \
  LEFT JOIN (SELECT dp.refobjid, dp.refobjsubid, format('nextval(%L::regclass)', dp.objid::regclass) AS draw \
               FROM pg_depend dp JOIN pg_class sq ON sq.oid = dp.objid AND sq.relkind = 'S' \
              WHERE dp.classid = 'pg_class'::regclass AND dp.refclassid = 'pg_class'::regclass AND dp.deptype = 'a') own \
         ON own.refobjid = c.oid AND own.refobjsubid = a.attnum \
 WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
 ORDER BY c.relname, a.attnum";

/// Constraints, those the model cannot say exactly included (autogenerate compares them as the
/// model has them; the dump writes them from their own text, see `definitions`).
const CONSTRAINTS: &str = "\
SELECT cl.relname::text, co.conname::text, co.contype::text, \
       ARRAY(SELECT a.attname::text FROM unnest(co.conkey) WITH ORDINALITY k(n, i) \
             JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.n ORDER BY k.i), \
       rf.relname::text, \
       ARRAY(SELECT a.attname::text FROM unnest(co.confkey) WITH ORDINALITY k(n, i) \
             JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.n ORDER BY k.i), \
       co.confdeltype::text, co.confupdtype::text, pg_get_constraintdef(co.oid) \
  FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace \
  LEFT JOIN pg_class rf ON rf.oid = co.confrelid \
 WHERE n.nspname = current_schema() AND co.contype IN ('p', 'u', 'f', 'c') \
 ORDER BY 1, 2";

/// Plain b-tree indexes over columns; the others are carried as text (see `definitions`).
const INDEXES: &str = concat!(
    "\
SELECT t.relname::text, i.relname::text, ix.indisunique, \
       ARRAY(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(n, o) \
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o) \
  FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid \
  JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam \
 WHERE n.nspname = current_schema() AND NOT ",
    left_out::odd_index!(),
    " \
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype IN ('p', 'u', 'x')) \
 ORDER BY 1, 2"
);

const ENUMS: &str = "\
SELECT t.typname::text, e.enumlabel::text FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid \
  JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema() \
 ORDER BY t.typname, e.enumsortorder";

pub(super) async fn introspect(
    connection: &mut PgConnection,
    ignored: &crate::bookkeeping::Ours,
) -> Result<Introspection, sqlx::Error> {
    let mut queries = 0;
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let wanted = |name: &str| !ignored.contains(name);
    for row in fetch(connection, COLUMNS, &mut queries).await? {
        let table: String = row.get(0);
        if wanted(&table) {
            let column = column(&row);
            let entry = tables.entry(table.clone()).or_insert_with(|| Table {
                partition_by: row.get(11),
                ..Table::new(&table)
            });
            entry.columns.push(column);
        }
    }
    for row in fetch(connection, CONSTRAINTS, &mut queries).await? {
        let name: String = row.get(0);
        if let Some(table) = tables.get_mut(&name) {
            constraint(table, &row);
        }
    }
    for row in fetch(connection, INDEXES, &mut queries).await? {
        let name: String = row.get(0);
        if let Some(table) = tables.get_mut(&name) {
            table.indexes.push(Index {
                name: row.get(1),
                unique: row.get(2),
                columns: row.get(3),
            });
        }
    }
    let mut enums: Vec<EnumType> = Vec::new();
    for row in fetch(connection, ENUMS, &mut queries).await? {
        let (name, value): (String, String) = (row.get(0), row.get(1));
        match enums.last_mut() {
            Some(last) if last.name == name => last.values.push(value),
            _ => enums.push(EnumType {
                name,
                values: vec![value],
            }),
        }
    }
    queries += 1;
    let definitions = definitions::read(connection, ignored).await?;
    queries += 1;
    let left_out = left_out::read(connection, ignored).await?;
    let mut schema = Schema {
        enums,
        tables: tables.into_values().collect(),
        definitions,
        left_out,
    };
    schema.sort();
    Ok(Introspection { schema, queries })
}

fn column(row: &PgRow) -> Column {
    let (formatted, typtype, typname): (String, String, String) =
        (row.get(2), row.get(3), row.get(4));
    let ty = if typtype == "e" {
        ColumnType::Enum(typname)
    } else {
        column_type(&formatted)
    };
    let raw_default: Option<String> = row.get(6);
    let identity: String = row.get(7);
    // SERIAL only where the default draws from a sequence the column owns, as SERIAL makes it:
    // a default drawn from a sequence of its own standing stays that default.
    let serial = identity.is_empty() && row.get::<bool, _>(9);
    Column {
        name: row.get(1),
        ty,
        nullable: !row.get::<bool, _>(5),
        default: if serial {
            None
        } else {
            raw_default.as_deref().map(parse_default)
        },
        autoincrement: serial || !identity.is_empty(),
        comment: row.get(8),
        generated: row.get(10),
    }
}

/// `format_type` output to a portable type.
pub(super) fn column_type(formatted: &str) -> ColumnType {
    let numbers = |text: &str| -> Vec<u32> {
        text.split(['(', ')', ','])
            .filter_map(|p| p.trim().parse().ok())
            .collect()
    };
    match formatted {
        "smallint" => ColumnType::SmallInt,
        "integer" => ColumnType::Integer,
        "bigint" => ColumnType::BigInt,
        "text" | "character varying" => ColumnType::Text,
        "boolean" => ColumnType::Boolean,
        "real" => ColumnType::Real,
        "double precision" => ColumnType::Double,
        "timestamp without time zone" => ColumnType::Timestamp,
        "timestamp with time zone" => ColumnType::TimestampTz,
        "date" => ColumnType::Date,
        "uuid" => ColumnType::Uuid,
        "json" => ColumnType::Json,
        "jsonb" => ColumnType::Jsonb,
        "bytea" => ColumnType::Bytes,
        other if other.starts_with("character varying(") => match numbers(other).as_slice() {
            [n] => ColumnType::Varchar(*n),
            _ => ColumnType::Other(other.to_string()),
        },
        other if other.starts_with("numeric(") => match numbers(other).as_slice() {
            [p, s] => ColumnType::Numeric(*p, *s),
            _ => ColumnType::Other(other.to_string()),
        },
        other => ColumnType::Other(other.to_string()),
    }
}

/// `pg_get_expr` of a default: casts of literals dropped, `now()` recognised.
pub(super) fn parse_default(raw: &str) -> ColumnDefault {
    let text = raw.trim();
    let lower = text.to_ascii_lowercase();
    if lower == "now()" || lower == "current_timestamp" || lower == "transaction_timestamp()" {
        return ColumnDefault::Now;
    }
    if lower == "true" || lower == "false" {
        return ColumnDefault::Bool(lower == "true");
    }
    let unparened = text.trim_start_matches('(').trim_end_matches(')');
    if let Ok(n) = unparened.parse::<i64>() {
        return ColumnDefault::Int(n);
    }
    if let Some(rest) = text.strip_prefix('\'')
        && let Some(end) = literal_end(rest)
    {
        let after = &rest[end + 1..];
        if after.is_empty() || after.starts_with("::") {
            let value = rest[..end].replace("''", "'");
            return match value.parse::<i64>() {
                Ok(n)
                    if after.starts_with("::integer")
                        || after.starts_with("::bigint")
                        || after.starts_with("::smallint") =>
                {
                    ColumnDefault::Int(n)
                }
                _ => ColumnDefault::Text(value),
            };
        }
    }
    ColumnDefault::Expr(text.to_string())
}

/// Byte offset of the quote closing a literal whose opening quote was just consumed.
fn literal_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

fn constraint(table: &mut Table, row: &PgRow) {
    let (name, kind, columns): (String, String, Vec<String>) = (row.get(1), row.get(2), row.get(3));
    match kind.as_str() {
        "p" => table.primary_key = columns,
        "u" => table.uniques.push(Unique { name, columns }),
        "f" => table.foreign_keys.push(ForeignKey {
            name,
            columns,
            ref_table: row.get::<Option<String>, _>(4).unwrap_or_default(),
            ref_columns: row.get(5),
            on_delete: action(&row.get::<String, _>(6)),
            on_update: action(&row.get::<String, _>(7)),
        }),
        _ => {
            let definition: String = row.get(8);
            let expression = definition
                .strip_prefix("CHECK ")
                .unwrap_or(&definition)
                .to_string();
            table.checks.push(Check { name, expression });
        }
    }
}

fn action(code: &str) -> Action {
    match code {
        "r" => Action::Restrict,
        "c" => Action::Cascade,
        "n" => Action::SetNull,
        "d" => Action::SetDefault,
        _ => Action::NoAction,
    }
}

/// Runs one catalogue query, counting the round trip.
async fn fetch(
    connection: &mut PgConnection,
    sql: &'static str,
    queries: &mut usize,
) -> Result<Vec<PgRow>, sqlx::Error> {
    *queries += 1;
    sqlx::query(sql).fetch_all(connection).await
}

#[cfg(test)]
mod tests;
