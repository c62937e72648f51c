//! Data statements on a table a script describes with `sa.table("t", sa.column("a", ...))`:
//! `op.bulk_insert(t, [{...}])` and `t.update().where(t.c.a == 1).values(b=2)` /
//! `t.delete().where(...)` run through `op.execute` or the bind, with literal values only,
//! written as SQLAlchemy binds them on each database (booleans as 1 and 0 on SQLite). A value
//! that a column's type would process (JSON, dates, enums), or anything not a literal, is left
//! to do. Pure. Must not import the file system.

use aurora_migrate_core::Database;

use super::described::Table;
use super::locals::Locals;
use crate::authoring::alembic::context::{Ctx, computed, ident, option};
use crate::authoring::alembic::python::Value;
use crate::authoring::alembic::report::Todo;

/// `op.bulk_insert(table, rows)`: one `INSERT` per row, its columns in the table's order.
pub(super) fn bulk_insert(
    args: &[Value],
    kwargs: &[(String, Value)],
    ctx: &Ctx,
) -> Result<Vec<String>, Todo> {
    if kwargs.iter().any(|(k, _)| k != "multiinsert") {
        return Err(option("`op.bulk_insert` with options not converted"));
    }
    let (Some(table), Some(Value::Seq(rows))) = (args.first(), args.get(1)) else {
        return Err(computed(
            "`op.bulk_insert` of rows that are not a literal list",
        ));
    };
    let table = Table::read(table, ctx.scope)
        .ok_or_else(|| computed("`op.bulk_insert` into a table not made of literals"))?;
    let mut keys: Option<Vec<&str>> = None;
    let mut statements = Vec::new();
    for row in rows {
        let Value::Dict(items) = row else {
            return Err(computed(
                "`op.bulk_insert` of a row that is not a literal dict",
            ));
        };
        let mut row: Vec<(&str, &Value)> = Vec::new();
        for (key, value) in items {
            let Some(Value::Str(key)) = key else {
                return Err(computed(
                    "`op.bulk_insert` of a row with a key not a string",
                ));
            };
            row.push((key, value));
        }
        let mut these: Vec<&str> = row.iter().map(|(k, _)| *k).collect();
        these.sort_unstable();
        // Executed as one statement with many rows, SQLAlchemy takes its columns from the first.
        if keys.get_or_insert_with(|| these.clone()) != &these {
            return Err(computed("`op.bulk_insert` of rows with different keys"));
        }
        let (mut names, mut values) = (Vec::new(), Vec::new());
        for (column, kind) in &table.columns {
            if let Some((_, value)) = row.iter().find(|(k, _)| k == column) {
                names.push(ident(ctx.database, column));
                values.push(literal(value, kind.as_ref(), ctx)?);
            }
        }
        if let Some((key, _)) = row.iter().find(|(k, _)| table.column(k).is_err()) {
            return Err(computed(format!(
                "a value for `{key}`, not a column of the table"
            )));
        }
        statements.push(format!(
            "INSERT INTO {} ({}) VALUES ({})",
            ident(ctx.database, &table.name),
            names.join(", "),
            values.join(", ")
        ));
    }
    if statements.is_empty() {
        return Err(computed("`op.bulk_insert` of no rows"));
    }
    Ok(statements)
}

/// `t.update()...` or `t.delete()...` on a table a name holds: its SQL; `None` when `value` is
/// not such a statement.
pub(super) fn statement(
    value: &Value,
    ctx: &Ctx,
    locals: &Locals,
) -> Option<Result<Vec<String>, Todo>> {
    let mut wheres = Vec::new();
    let mut sets = Vec::new();
    let mut at = value;
    let (on, verb) = loop {
        match at {
            Value::Method {
                on,
                name,
                args,
                kwargs,
            } => {
                match (name.as_str(), args.as_slice()) {
                    ("where", [condition]) if kwargs.is_empty() => wheres.push(condition),
                    ("values", []) => {
                        sets.extend(kwargs.iter().map(|(k, v)| (Some(k.as_str()), v)))
                    }
                    ("values", [Value::Dict(items)]) if kwargs.is_empty() => {
                        for (key, value) in items {
                            sets.push((key.as_ref().and_then(Value::as_str), value));
                        }
                    }
                    _ => return None,
                }
                at = on;
            }
            Value::Call { func, args, kwargs } if args.is_empty() && kwargs.is_empty() => {
                let (on, verb) = func.rsplit_once('.')?;
                if !matches!(verb, "update" | "delete") {
                    return None;
                }
                break (on, verb);
            }
            _ => return None,
        }
    };
    let table = Table::read(locals.table(on)?, ctx.scope)?;
    Some(render(&table, on, verb, &wheres, &sets, ctx))
}

fn render(
    table: &Table,
    on: &str,
    verb: &str,
    wheres: &[&Value],
    sets: &[(Option<&str>, &Value)],
    ctx: &Ctx,
) -> Result<Vec<String>, Todo> {
    let q = |name: &str| ident(ctx.database, name);
    let mut conditions = Vec::new();
    // The calls were read from the last; SQLAlchemy joins them with AND in the order written.
    for condition in wheres.iter().rev() {
        conditions.push(comparison(table, on, condition, ctx)?);
    }
    let filter = match conditions.is_empty() {
        true => String::new(),
        false => format!(" WHERE {}", conditions.join(" AND ")),
    };
    let sql = match verb {
        "delete" if sets.is_empty() => format!("DELETE FROM {}{filter}", q(&table.name)),
        "update" if !sets.is_empty() => {
            let mut assignments = Vec::new();
            for (column, kind) in &table.columns {
                if let Some((_, value)) = sets.iter().find(|(k, _)| *k == Some(column.as_str())) {
                    assignments.push(format!(
                        "{} = {}",
                        q(column),
                        literal(value, kind.as_ref(), ctx)?
                    ));
                }
            }
            if let Some((key, _)) = sets
                .iter()
                .find(|(k, _)| k.is_none_or(|k| table.column(k).is_err()))
            {
                return Err(computed(format!(
                    "a value for `{}`, not a column of the table",
                    key.unwrap_or("?")
                )));
            }
            format!(
                "UPDATE {} SET {}{filter}",
                q(&table.name),
                assignments.join(", ")
            )
        }
        _ => {
            return Err(computed(format!(
                "a `{verb}()` this importer does not read"
            )));
        }
    };
    Ok(vec![sql])
}

/// `t.c.a == literal` (or reversed) as SQLAlchemy writes it, with `IS NULL` for `None`.
fn comparison(table: &Table, on: &str, condition: &Value, ctx: &Ctx) -> Result<String, Todo> {
    let unread = || computed("a `where()` that is not a column compared with a literal");
    let Value::Compare { left, ops } = condition else {
        return Err(unread());
    };
    let [(op, right)] = ops.as_slice() else {
        return Err(unread());
    };
    let column = |value: &Value| match value {
        Value::Name(dotted) => dotted
            .strip_prefix(on)
            .and_then(|rest| rest.strip_prefix(".c."))
            .filter(|name| !name.contains('.'))
            .map(str::to_string),
        _ => None,
    };
    let (name, value, op) = match (column(left), column(right)) {
        (Some(name), None) => (name, right, op.as_str()),
        (None, Some(name)) => (name, &**left, flipped(op).ok_or_else(unread)?),
        _ => return Err(unread()),
    };
    let (_, kind) = table.column(&name)?;
    let target = format!(
        "{}.{}",
        ident(ctx.database, &table.name),
        ident(ctx.database, &name)
    );
    Ok(match (op, value.is("None")) {
        ("==", true) => format!("{target} IS NULL"),
        ("!=", true) => format!("{target} IS NOT NULL"),
        ("==" | "!=" | "<" | ">" | "<=" | ">=", false) => {
            format!(
                "{target} {} {}",
                if op == "==" { "=" } else { op },
                literal(value, kind.as_ref(), ctx)?
            )
        }
        _ => return Err(unread()),
    })
}

/// The operator with its operands swapped.
fn flipped(op: &str) -> Option<&'static str> {
    Some(match op {
        "==" => "==",
        "!=" => "!=",
        "<" => ">",
        ">" => "<",
        "<=" => ">=",
        ">=" => "<=",
        _ => return None,
    })
}

/// The types whose values SQLAlchemy passes to the driver as they are.
const PLAIN: &[(&str, &str)] = &[
    ("String", "text"),
    ("Text", "text"),
    ("Unicode", "text"),
    ("UnicodeText", "text"),
    ("VARCHAR", "text"),
    ("CHAR", "text"),
    ("TEXT", "text"),
    ("Integer", "integer"),
    ("BigInteger", "integer"),
    ("SmallInteger", "integer"),
    ("INTEGER", "integer"),
    ("BIGINT", "integer"),
    ("Boolean", "boolean"),
    ("BOOLEAN", "boolean"),
];

/// A literal value for a column of type `kind` (`None`: untyped), as the database receives it.
fn literal(value: &Value, kind: Option<&Value>, ctx: &Ctx) -> Result<String, Todo> {
    let family = match kind {
        None => None,
        Some(Value::Call { func, .. } | Value::Name(func)) => {
            let name = ctx.sa(func);
            let family = PLAIN
                .iter()
                .find(|(n, _)| Some(*n) == name.as_deref())
                .map(|(_, family)| *family);
            Some(family.ok_or_else(|| {
                computed(format!(
                    "a value for a column of type `{func}`, which SQLAlchemy may process"
                ))
            })?)
        }
        Some(_) => return Err(computed("a column whose type is computed")),
    };
    let wrong = || computed("a value that is not a literal of its column's type");
    match (value, family) {
        (v, _) if v.is("None") => Ok("NULL".into()),
        (Value::Str(s), None | Some("text")) => {
            // MySQL reads a backslash in a string as an escape.
            if ctx.database == Database::Mysql && s.contains('\\') {
                return Err(computed(
                    "a string with a backslash, which MySQL reads as an escape",
                ));
            }
            Ok(crate::sql::literal(s))
        }
        (Value::Num(n), None | Some("integer"))
            if n.trim_start_matches('-')
                .chars()
                .all(|c| c.is_ascii_digit())
                && !n.is_empty() =>
        {
            Ok(n.clone())
        }
        (v, None | Some("boolean")) if v.is("True") || v.is("False") => {
            let yes = v.is("True");
            Ok(match ctx.database {
                Database::Sqlite => if yes { "1" } else { "0" }.into(),
                _ => if yes { "true" } else { "false" }.into(),
            })
        }
        _ => Err(wrong()),
    }
}
