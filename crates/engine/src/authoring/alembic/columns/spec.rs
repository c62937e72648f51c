//! One column's DDL as each dialect's `get_column_specification` in SQLAlchemy 2.1 writes it:
//! SERIAL or an identity on PostgreSQL, AUTO_INCREMENT and an inline comment on MySQL, a
//! default in parentheses where SQLAlchemy puts one, each clause in its dialect's order. Pure.
//! Must not import the file system.

use aurora_migrate_core::Database;

use super::Column;
use crate::authoring::alembic::context::{Ctx, computed, ident, literal, option};
use crate::authoring::alembic::python::Value;
use crate::authoring::alembic::report::Todo;
use crate::authoring::alembic::types::Affinity;

/// What the table decides about a column.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Role {
    /// NOT NULL (SQLAlchemy's default, or as given).
    pub(super) not_null: bool,
    /// The table's autoincrement column.
    pub(super) autoincrement: bool,
    /// SQLite with `sqlite_autoincrement=True`: the primary key written on the column.
    pub(super) inline_key: bool,
}

/// The column's DDL on the database.
pub(super) fn render(column: &Column, role: Role, ctx: &Ctx) -> String {
    let database = ctx.database;
    let name = ident(database, &column.name);
    let kind = &column.kind.sql;
    match database {
        Database::Postgres => {
            let mut sql = name;
            let serial = role.autoincrement && column.identity.is_none() && !column.client_default;
            match (serial, column.kind.affinity) {
                (true, Affinity::Big) => sql.push_str(" BIGSERIAL"),
                (true, Affinity::Small) => sql.push_str(" SMALLSERIAL"),
                (true, _) => sql.push_str(" SERIAL"),
                (false, _) => {
                    sql.push_str(&format!(" {kind}"));
                    if let Some(default) = &column.default {
                        sql.push_str(&format!(" DEFAULT {default}"));
                    }
                }
            }
            if let Some(identity) = &column.identity {
                sql.push_str(&format!(" {identity}"));
            }
            match (role.not_null, column.identity.is_some()) {
                (true, false) => sql.push_str(" NOT NULL"),
                (false, true) => sql.push_str(" NULL"),
                _ => {}
            }
            sql
        }
        Database::Sqlite => {
            let mut sql = format!("{name} {kind}");
            if let Some(default) = &column.default {
                sql.push_str(&format!(" DEFAULT {}", wrapped(default, false)));
            }
            if role.not_null {
                sql.push_str(" NOT NULL");
            }
            if role.inline_key {
                sql.push_str(" PRIMARY KEY AUTOINCREMENT");
            }
            sql
        }
        Database::Mysql => {
            let mut sql = format!("{name} {kind}");
            if role.not_null {
                sql.push_str(" NOT NULL");
            } else if column.kind.timestamp {
                sql.push_str(" NULL");
            }
            if let Some(comment) = &column.comment {
                sql.push_str(&format!(" COMMENT {}", literal(database, comment)));
            }
            if role.autoincrement && column.default.is_none() {
                sql.push_str(" AUTO_INCREMENT");
            } else if let Some(default) = &column.default {
                sql.push_str(&format!(" DEFAULT {}", wrapped(default, true)));
            }
            sql
        }
    }
}

/// A default as SQLite and MySQL need an expression: in parentheses unless it starts with a
/// quote or a parenthesis, or is one word (SQLAlchemy's own test: a non-word character on its
/// first line); MySQL leaves `ON UPDATE` and `now(N)` bare.
fn wrapped(default: &str, mysql: bool) -> String {
    let trimmed = default.trim_start();
    let quoted = trimmed.starts_with(['\'', '"', '(']);
    let first_line = match default.find('\n') {
        Some(at) => &default[..=at],
        None => default,
    };
    let word = !first_line
        .chars()
        .any(|c| !(c.is_alphanumeric() || c == '_'));
    let upper = default.to_ascii_uppercase();
    let mysql_bare = mysql && (on_update(&upper) || timestamp_call(&upper));
    if quoted || word || mysql_bare {
        default.to_string()
    } else {
        format!("({default})")
    }
}

/// `ON +UPDATE` anywhere, as SQLAlchemy searches for it.
fn on_update(upper: &str) -> bool {
    upper.match_indices("ON ").any(|(at, _)| {
        upper[at + 2..]
            .trim_start_matches(' ')
            .starts_with("UPDATE")
    })
}

/// `now(N)` or `current_timestamp(N)` at the start, which MySQL takes bare.
fn timestamp_call(upper: &str) -> bool {
    ["NOW(", "CURRENT_TIMESTAMP("].iter().any(|head| {
        upper.strip_prefix(head).is_some_and(|rest| {
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            digits > 0 && rest[digits..].starts_with(')')
        })
    })
}

/// A `server_default` as the database's SQL: a string is a literal, `sa.text(...)` is SQL,
/// `sa.func.now()` is what the dialect calls it.
pub(in crate::authoring::alembic) fn server_default(
    value: &Value,
    ctx: &Ctx,
) -> Result<String, Todo> {
    match value {
        Value::Str(text) => Ok(literal(ctx.database, text)),
        Value::Call { func, args, .. } if ctx.sa(func).as_deref() == Some("text") => Ok(args
            .first()
            .and_then(Value::as_str)
            .ok_or_else(|| computed("`sa.text` of something other than a string literal"))?
            .to_string()),
        Value::Call { func, args, kwargs }
            if ctx.sa(func).as_deref() == Some("func.now")
                && args.is_empty()
                && kwargs.is_empty() =>
        {
            Ok(match ctx.database {
                Database::Sqlite => "CURRENT_TIMESTAMP",
                _ => "now()",
            }
            .to_string())
        }
        Value::Other(what) => Err(computed(format!("a server default written as {what}"))),
        _ => Err(option(
            "a server default that is not a string, `sa.text` or `sa.func.now()`",
        )),
    }
}

/// `sa.Identity(...)` as PostgreSQL writes it: `GENERATED ... AS IDENTITY (options)`, the
/// options in SQLAlchemy's order.
pub(super) fn identity(kwargs: &[(String, Value)]) -> Result<String, Todo> {
    const KNOWN: &[&str] = &[
        "always",
        "start",
        "increment",
        "minvalue",
        "maxvalue",
        "nominvalue",
        "nomaxvalue",
        "cache",
        "cycle",
    ];
    if let Some((key, _)) = kwargs.iter().find(|(k, _)| !KNOWN.contains(&k.as_str())) {
        return Err(option(format!("`sa.Identity` with `{key}=`")));
    }
    let given = |key: &str| Value::kwarg(kwargs, key).filter(|v| !v.is("None"));
    let number = |key: &str| -> Result<Option<i128>, Todo> {
        match given(key) {
            None => Ok(None),
            Some(Value::Num(n)) => n
                .parse()
                .map(Some)
                .map_err(|_| option(format!("`sa.Identity` with `{key}={n}`"))),
            Some(_) => Err(computed(format!("`sa.Identity` with a computed `{key}=`"))),
        }
    };
    let always = match given("always") {
        None => false,
        Some(v) if v.is("True") => true,
        Some(v) if v.is("False") => false,
        Some(_) => return Err(computed("`sa.Identity` with a computed `always=`")),
    };
    let mut options = Vec::new();
    for (key, words) in [
        ("increment", "INCREMENT BY"),
        ("start", "START WITH"),
        ("minvalue", "MINVALUE"),
        ("maxvalue", "MAXVALUE"),
    ] {
        if let Some(n) = number(key)? {
            options.push(format!("{words} {n}"));
        }
    }
    // SQLAlchemy writes these whatever their value, once given.
    for (key, words) in [("nominvalue", "NO MINVALUE"), ("nomaxvalue", "NO MAXVALUE")] {
        if given(key).is_some() {
            options.push(words.to_string());
        }
    }
    if let Some(n) = number("cache")? {
        options.push(format!("CACHE {n}"));
    }
    match given("cycle") {
        None => {}
        Some(v) if v.is("True") => options.push("CYCLE".into()),
        Some(v) if v.is("False") => options.push("NO CYCLE".into()),
        Some(_) => return Err(computed("`sa.Identity` with a computed `cycle=`")),
    }
    let mut sql = format!(
        "GENERATED {} AS IDENTITY",
        if always { "ALWAYS" } else { "BY DEFAULT" }
    );
    if !options.is_empty() {
        sql.push_str(&format!(" ({})", options.join(" ")));
    }
    Ok(sql)
}
