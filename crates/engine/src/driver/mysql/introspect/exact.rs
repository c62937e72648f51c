//! What MySQL and MariaDB hold beyond the model, carried as SQL text the server gives: a
//! table's own `SHOW CREATE TABLE` where the model would lose something (generated columns,
//! FULLTEXT, SPATIAL and prefix indexes, table options, collations), views (never as tables),
//! triggers, procedures and functions, events and sequences. One query for views, one for
//! triggers, and one per such table, routine, event or sequence. Must not import the runner or
//! autogenerate.

use std::collections::BTreeSet;

use sqlx::mysql::MySqlConnection;
use sqlx::{AssertSqlSafe, Row};

use crate::schema::model::{Definition, LeftOut, Schema};
use crate::sql::quote;

/// A row of the left-out query, before it is said.
pub(super) struct Found {
    pub kind: String,
    pub table: Option<String>,
    pub name: String,
    pub why: String,
}

/// Kinds of left-out object that a table's own text carries.
const IN_TABLE_TEXT: [&str; 7] = [
    "table options",
    "generated column",
    "invisible column",
    "column option",
    "column type",
    "column collation",
    "index",
];

const VIEWS: &str = "\
SELECT CAST(TABLE_NAME AS CHAR), CAST(VIEW_DEFINITION AS CHAR), CAST(CHECK_OPTION AS CHAR), \
       CAST(SECURITY_TYPE AS CHAR), CAST(ALGORITHM AS CHAR) \
  FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME";

const TRIGGERS: &str = "\
SELECT CAST(TRIGGER_NAME AS CHAR), CAST(EVENT_OBJECT_TABLE AS CHAR) \
  FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() \
 ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER";

/// Carries in `schema` what `found` lists and the server can give as text; returns what is
/// still left out, and how many queries it took.
pub(super) async fn carry(
    connection: &mut MySqlConnection,
    schema: &mut Schema,
    found: Vec<Found>,
) -> Result<(Vec<LeftOut>, usize), sqlx::Error> {
    let mut queries = 0;
    let database: String = sqlx::query_scalar("SELECT CAST(DATABASE() AS CHAR)")
        .fetch_one(&mut *connection)
        .await?;
    queries += 1;
    let odd: BTreeSet<String> = found
        .iter()
        .filter(|f| IN_TABLE_TEXT.contains(&f.kind.as_str()))
        .map(|f| f.table.clone().unwrap_or_else(|| f.name.clone()))
        .filter(|t| schema.table(t).is_some())
        .collect();
    for name in &odd {
        let sql = format!("SHOW CREATE TABLE {}", backquoted(name));
        let row = sqlx::query(AssertSqlSafe(sql))
            .fetch_one(&mut *connection)
            .await?;
        queries += 1;
        let text = text_at(&row, 1).unwrap_or_default();
        if let Some(table) = schema.tables.iter_mut().find(|t| t.name == *name) {
            table.sql = Some(without_keys_and_counter(&text));
        }
    }
    let mut definitions = views(connection, &database).await?;
    queries += 1;
    definitions.extend(triggers(connection, &mut queries).await?);
    queries += 1;
    // Sequences before the tables whose defaults may draw from them, routines before the views
    // that call them, events last.
    let (mut first, mut last) = (Vec::new(), Vec::new());
    let mut left = Vec::new();
    for f in found {
        let carried = match f.kind.as_str() {
            "view" | "trigger" => true,
            kind if IN_TABLE_TEXT.contains(&kind) => {
                odd.contains(f.table.as_ref().unwrap_or(&f.name))
            }
            kind @ ("procedure" | "function" | "sequence" | "event") => {
                queries += 1;
                let shown = shown(connection, kind, &f.name).await?;
                match kind {
                    "event" => last.push(shown),
                    _ => first.push(shown),
                }
                true
            }
            _ => false,
        };
        if !carried {
            left.push(LeftOut::new(&f.kind, f.table.as_deref(), &f.name, &f.why));
        }
    }
    first.extend(definitions);
    first.extend(last);
    schema.definitions = first;
    Ok((left, queries))
}

/// Column `at` of a SHOW row as text, which the server may type as binary.
fn text_at(row: &sqlx::mysql::MySqlRow, at: usize) -> Option<String> {
    match row.try_get::<Option<String>, _>(at) {
        Ok(text) => text,
        Err(_) => row
            .try_get::<Option<Vec<u8>>, _>(at)
            .ok()
            .flatten()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
    }
}

/// `name` in backquotes, which the server reads as a name whatever its SQL mode.
fn backquoted(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// `SHOW CREATE TABLE` without its foreign keys (added once every table exists, as for any
/// table) and without the AUTO_INCREMENT counter, which is data.
pub(super) fn without_keys_and_counter(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return text.to_string();
    };
    if lines.len() < 3 {
        return text.to_string();
    }
    let body: Vec<&str> = lines[1..lines.len() - 1]
        .iter()
        .map(|l| l.trim_end().trim_end_matches(','))
        .filter(|l| !(l.trim_start().starts_with("CONSTRAINT ") && l.contains(" FOREIGN KEY ")))
        .collect();
    let closing: Vec<&str> = last
        .split(' ')
        .filter(|word| !word.starts_with("AUTO_INCREMENT="))
        .collect();
    format!("{first}\n{}\n{}", body.join(",\n"), closing.join(" "))
}

/// The views, each as `CREATE VIEW` without its definer, those a view reads before it.
async fn views(
    connection: &mut MySqlConnection,
    database: &str,
) -> Result<Vec<Definition>, sqlx::Error> {
    let rows = sqlx::query(VIEWS).fetch_all(&mut *connection).await?;
    let qualifier = format!("{}.", backquoted(database));
    let mut pending: Vec<(String, String, String)> = rows
        .iter()
        .map(|row| {
            let (name, definition, check, security, algorithm): (
                String,
                String,
                String,
                String,
                String,
            ) = (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
            let check = match check.as_str() {
                "NONE" => String::new(),
                option => format!(" WITH {option} CHECK OPTION"),
            };
            let sql = format!(
                "CREATE ALGORITHM={algorithm} SQL SECURITY {security} VIEW {} AS {}{check}",
                quote(&name),
                definition.replace(&qualifier, "")
            );
            (name, definition, sql)
        })
        .collect();
    let mut ordered: Vec<Definition> = Vec::new();
    while !pending.is_empty() {
        let names: Vec<String> = pending.iter().map(|(n, _, _)| n.clone()).collect();
        // A view whose text names a view still pending waits for it; a loop cannot be
        // created, but should one show, the rest go by name rather than never.
        let ready = pending.iter().position(|(name, definition, _)| {
            !names.iter().any(|other| {
                other != name && definition.contains(&format!("{qualifier}{}", backquoted(other)))
            })
        });
        let (name, _, sql) = pending.remove(ready.unwrap_or(0));
        ordered.push(Definition {
            kind: "VIEW".into(),
            name,
            table: None,
            sql,
            arguments: None,
        });
    }
    Ok(ordered)
}

/// The triggers, each as the server keeps its `CREATE TRIGGER` without its definer, in the
/// order they fire.
async fn triggers(
    connection: &mut MySqlConnection,
    queries: &mut usize,
) -> Result<Vec<Definition>, sqlx::Error> {
    let rows = sqlx::query(TRIGGERS).fetch_all(&mut *connection).await?;
    let mut definitions = Vec::new();
    for row in &rows {
        let (name, table): (String, String) = (row.get(0), row.get(1));
        *queries += 1;
        definitions.push(Definition {
            table: Some(table),
            ..shown(connection, "trigger", &name).await?
        });
    }
    Ok(definitions)
}

/// A procedure, function, trigger, event or sequence as the server shows it (`SHOW CREATE`), without
/// its definer. A routine's or event's body of several statements stays whole: the splitter
/// keeps `BEGIN ... END` together.
async fn shown(
    connection: &mut MySqlConnection,
    kind: &str,
    name: &str,
) -> Result<Definition, sqlx::Error> {
    let upper = kind.to_uppercase();
    let sql = format!("SHOW CREATE {upper} {}", backquoted(name));
    let row = sqlx::query(AssertSqlSafe(sql))
        .fetch_one(&mut *connection)
        .await?;
    let column = match kind {
        "sequence" => 1,
        "event" => 3,
        // The trigger's own text, as it was written (its body's lines and spaces kept).
        _ => 2,
    };
    let text = text_at(&row, column).unwrap_or_default();
    Ok(Definition {
        kind: upper,
        name: name.to_string(),
        table: None,
        sql: named(&without_definer(&text), name),
        arguments: None,
    })
}

/// `CREATE FUNCTION `f`(...` with the name quoted as every other name of the file, whatever
/// the SQL mode the routine was created in: the text reads the same from any database.
pub(super) fn named(text: &str, name: &str) -> String {
    for kind in [
        "CREATE PROCEDURE ",
        "CREATE FUNCTION ",
        "CREATE EVENT ",
        "CREATE SEQUENCE ",
        "CREATE TRIGGER ",
    ] {
        if let Some(rest) = text.strip_prefix(kind)
            && let Some(open) = rest.chars().next().filter(|c| *c == '`' || *c == '"')
        {
            let mut end = None;
            let mut chars = rest.char_indices().skip(1).peekable();
            while let Some((at, c)) = chars.next() {
                if c == open {
                    if chars.peek().is_some_and(|(_, next)| *next == open) {
                        chars.next();
                        continue;
                    }
                    end = Some(at + 1);
                    break;
                }
            }
            if let Some(end) = end {
                return format!("{kind}{}{}", quote(name), &rest[end..]);
            }
        }
    }
    text.to_string()
}

/// `CREATE DEFINER=`u`@`h` FUNCTION ...` as `CREATE FUNCTION ...`: whoever runs the file
/// defines it.
pub(super) fn without_definer(text: &str) -> String {
    match text.strip_prefix("CREATE DEFINER=") {
        Some(rest) => match definer_end(rest) {
            Some(end) => format!("CREATE {}", rest[end..].trim_start()),
            None => text.to_string(),
        },
        None => text.to_string(),
    }
}

/// Where `` `user`@`host` `` (or its double-quoted form) ends in `rest`.
fn definer_end(rest: &str) -> Option<usize> {
    let mut quotes = 0;
    let quote_char = rest.chars().next()?;
    for (at, c) in rest.char_indices() {
        if c == quote_char {
            quotes += 1;
            if quotes == 4 {
                return Some(at + 1);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;
