//! The objects SQLite keeps only as SQL text, carried as that text: indexes over expressions
//! or with a WHERE (and descending or collated ones), views and triggers; and a table's own
//! text where the model would lose something it says. Must not import the runner
//! or autogenerate.

use sqlx::Row;
use sqlx::sqlite::SqliteConnection;

use std::collections::{BTreeMap, BTreeSet};

use crate::schema::model::{Definition, Schema, Table};

/// An index the model cannot hold as columns: over an expression, partial, descending or
/// collated (`m` its sqlite_master row, `il` its pragma_index_list row).
macro_rules! odd_index {
    () => {
        "(il.partial OR EXISTS (SELECT 1 FROM pragma_index_xinfo(m.name) x \
          WHERE x.key AND (x.cid = -2 OR x.desc OR x.coll <> 'BINARY')))"
    };
}
pub(super) use odd_index;

/// Odd indexes first (by name: they need only their table), then views and triggers in the
/// order they were created, which is an order that applies: a view reads what existed before
/// it, a trigger follows its table or view.
const DEFINITIONS: &str = concat!(
    "\
SELECT 'INDEX', m.name, m.tbl_name, m.sql, 0, m.name \
  FROM sqlite_master m JOIN pragma_index_list(m.tbl_name) il ON il.name = m.name \
 WHERE m.type = 'index' AND m.sql IS NOT NULL AND ",
    odd_index!(),
    " \
UNION ALL SELECT upper(type), name, CASE type WHEN 'trigger' THEN tbl_name END, sql, 1, printf('%020d', rowid) \
  FROM sqlite_master WHERE type IN ('view', 'trigger') AND sql IS NOT NULL \
 ORDER BY 5, 6"
);

/// The database's objects kept as text, in an order that applies, but those on `ignored`
/// tables.
pub(super) async fn read(
    connection: &mut SqliteConnection,
    ignored: &crate::bookkeeping::Ours,
) -> Result<Vec<Definition>, sqlx::Error> {
    let rows = sqlx::query(DEFINITIONS).fetch_all(connection).await?;
    Ok(rows
        .iter()
        .map(|row| Definition {
            kind: row.get(0),
            name: row.get(1),
            table: row.get(2),
            sql: row.get(3),
            arguments: None,
        })
        .filter(|d| !d.table.as_deref().is_some_and(|t| ignored.contains(t)))
        .collect())
}

/// Tables the model cannot hold at all: WITHOUT ROWID, STRICT, or with generated columns
/// (which the table pragmas do not even list).
const ODD_TABLES: &str = "\
SELECT t.name FROM pragma_table_list t WHERE t.schema = 'main' AND t.type = 'table' \
   AND (t.wr OR t.strict OR EXISTS (SELECT 1 FROM pragma_table_xinfo(t.name) x WHERE x.hidden IN (2, 3)))";

/// The names of the tables the model cannot hold at all.
pub(super) async fn odd_tables(
    connection: &mut SqliteConnection,
) -> Result<BTreeSet<String>, sqlx::Error> {
    let rows = sqlx::query(ODD_TABLES).fetch_all(connection).await?;
    Ok(rows.iter().map(|row| row.get(0)).collect())
}

/// Keeps a table's own text where the model would lose something written there: the `odd`
/// tables, and those whose text holds a clause the model has no place for (a collation, a
/// conflict clause, DEFERRABLE, MATCH, an ordered key, or a rowid key without AUTOINCREMENT,
/// which the model would add). The other tables are written from the model, canonically.
pub(super) fn keep_own_text(
    schema: &mut Schema,
    tables: &BTreeMap<String, String>,
    odd: &BTreeSet<String>,
) {
    for table in &mut schema.tables {
        if let Some(sql) = tables.get(&table.name)
            && (odd.contains(&table.name) || says_more(table, sql))
        {
            table.sql = Some(sql.clone());
        }
    }
}

/// Whether `sql`, the text of `table`, holds a clause its model has no place for.
pub(super) fn says_more(table: &Table, sql: &str) -> bool {
    let words = words(sql);
    let has = |word: &str| words.iter().any(|w| w == word);
    let rowid_key = table.columns.iter().any(|c| c.autoincrement);
    [
        "COLLATE",
        "CONFLICT",
        "DEFERRABLE",
        "MATCH",
        "ASC",
        "DESC",
        "GENERATED",
    ]
    .iter()
    .any(|w| has(w))
        || (rowid_key && !has("AUTOINCREMENT"))
}

/// The bare words of `sql`, upper-cased, outside quotes and comments.
fn words(sql: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' | '`' | '[' => {
                let close = if c == '[' { ']' } else { c };
                for inner in chars.by_ref() {
                    if inner == close {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                for inner in chars.by_ref() {
                    if inner == '\n' {
                        break;
                    }
                }
            }
            c if c.is_alphanumeric() || c == '_' => {
                word.push(c.to_ascii_uppercase());
                continue;
            }
            _ => {}
        }
        if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests;
