//! Column types as one database writes them: SQLAlchemy's, recognised only when the script's
//! imports make them SQLAlchemy's; the project's own through the type map; anything else left
//! to do, named. Pure. Must not import the file system.

use aurora_migrate_core::Database;

use super::context::{Ctx, ident};
use super::names::Origin;
use super::python::Value;
use super::report::{Reason, Todo};

fn unknown(what: impl Into<String>) -> Todo {
    Todo::new(Reason::UnknownType, what)
}

/// A column type as the database's own.
pub(super) fn sql_type(value: &Value, ctx: &Ctx) -> Result<String, Todo> {
    let (func, args, kwargs) = match value {
        Value::Name(name) => (name.as_str(), &[][..], &[][..]),
        Value::Call { func, args, kwargs } => (func.as_str(), args.as_slice(), kwargs.as_slice()),
        Value::Other(what) => return Err(unknown(format!("a column type written as {what}"))),
        _ => return Err(unknown("a column type that is not a name or a call")),
    };
    let database = ctx.database;
    let (dialect, base) = match ctx.scope.resolve(func) {
        Origin::Sqlalchemy { dialect, name } => {
            let qualified = ctx.scope.qualified(func).unwrap_or_default();
            if let Some(mapped) = mapped(&qualified, func, ctx)? {
                return Ok(mapped);
            }
            (dialect, name)
        }
        Origin::Other(qualified) => {
            return mapped(&qualified, func, ctx)?.ok_or_else(|| {
                unknown(format!(
                    "the column type `{func}` is `{qualified}`, not SQLAlchemy's: give its SQL in a type map"
                ))
            });
        }
        Origin::Op(_) => return Err(unknown(format!("the column type `{func}`"))),
        Origin::Unresolved(_) => {
            return Err(unknown(format!(
                "the column type `{func}` is not imported from SQLAlchemy (nor named in a type map)"
            )));
        }
    };
    if let Some(dialect) = dialect.as_deref()
        && dialect != database.name()
    {
        return Err(unknown(format!(
            "`{func}` is {dialect}'s own type, not written for {database}"
        )));
    }
    let number = |i: usize, key: &str| match args.get(i).or_else(|| Value::kwarg(kwargs, key)) {
        Some(Value::Num(n)) => Some(n.clone()),
        _ => None,
    };
    let timezone = Value::kwarg(kwargs, "timezone").is_some_and(|v| v.is("True"));
    Ok(match (base.as_str(), database) {
        ("Integer" | "INTEGER", _) => "INTEGER".into(),
        ("BigInteger" | "BIGINT", _) => "BIGINT".into(),
        ("SmallInteger" | "SMALLINT", _) => "SMALLINT".into(),
        ("String" | "VARCHAR" | "Unicode", _) => match number(0, "length") {
            Some(n) => format!("VARCHAR({n})"),
            None if database == Database::Mysql => {
                return Err(unknown("a `String` without a length on MySQL"));
            }
            None => "VARCHAR".into(),
        },
        ("Text" | "TEXT" | "UnicodeText", _) => "TEXT".into(),
        ("Boolean" | "BOOLEAN", _) => "BOOLEAN".into(),
        // SQLAlchemy writes FLOAT(p) where the database reads a precision (24 or less is
        // single precision there), FLOAT elsewhere, which PostgreSQL takes for double precision.
        ("Float" | "FLOAT", Database::Postgres | Database::Mysql)
            if number(0, "precision").is_some() =>
        {
            format!("FLOAT({})", number(0, "precision").unwrap_or_default())
        }
        ("Float" | "FLOAT", Database::Postgres) => "DOUBLE PRECISION".into(),
        ("Float" | "FLOAT", _) => "FLOAT".into(),
        ("Numeric" | "NUMERIC" | "DECIMAL", _) => {
            match (number(0, "precision"), number(1, "scale")) {
                (Some(p), Some(s)) => format!("NUMERIC({p}, {s})"),
                (Some(p), None) => format!("NUMERIC({p})"),
                _ => "NUMERIC".into(),
            }
        }
        ("Date" | "DATE", _) => "DATE".into(),
        ("DateTime" | "TIMESTAMP", Database::Postgres) if timezone => "TIMESTAMPTZ".into(),
        ("DateTime" | "TIMESTAMP", Database::Mysql) if base == "DateTime" => "DATETIME".into(),
        ("DateTime" | "TIMESTAMP", _) => "TIMESTAMP".into(),
        ("JSON", _) => "JSON".into(),
        ("JSONB", Database::Postgres) => "JSONB".into(),
        ("UUID" | "Uuid", Database::Postgres) => "UUID".into(),
        ("UUID" | "Uuid", _) => "CHAR(36)".into(),
        ("Enum" | "ENUM", _) => {
            let labels: Vec<&str> = args.iter().filter_map(Value::as_str).collect();
            let quoted: Vec<String> = labels.iter().map(|l| crate::sql::literal(l)).collect();
            match database {
                Database::Postgres => Value::kwarg(kwargs, "name")
                    .and_then(Value::as_str)
                    .map(|n| ident(database, n))
                    .ok_or_else(|| unknown("an `Enum` without `name=` on PostgreSQL"))?,
                Database::Mysql => format!("ENUM({})", quoted.join(", ")),
                Database::Sqlite => format!(
                    "VARCHAR({})",
                    labels.iter().map(|l| l.len()).max().unwrap_or(1)
                ),
            }
        }
        _ => return Err(unknown(format!("the column type `{func}`"))),
    })
}

/// The type map's SQL for `qualified` (as written: `func`) on the database, if it names it.
fn mapped(qualified: &str, func: &str, ctx: &Ctx) -> Result<Option<String>, Todo> {
    match ctx.types.get(qualified, ctx.database) {
        None => Ok(None),
        Some(Some(sql)) => Ok(Some(sql.to_string())),
        Some(None) => Err(unknown(format!(
            "the type map gives `{qualified}` (`{func}`) no type for {}",
            ctx.database
        ))),
    }
}

/// The PostgreSQL types that `op.create_table` makes for its named `Enum` columns first, as
/// SQLAlchemy does (unless `create_type=False`).
pub(super) fn enum_types(items: &[Value], ctx: &Ctx) -> Vec<String> {
    if ctx.database != Database::Postgres {
        return Vec::new();
    }
    items
        .iter()
        .filter_map(|item| match item {
            Value::Call { args, .. } if ctx.is_call(item, "Column") => args.get(1),
            _ => None,
        })
        .filter_map(|kind| match kind {
            Value::Call { func, args, kwargs }
                if matches!(ctx.sa(func).as_deref(), Some("Enum" | "ENUM")) =>
            {
                let created = !Value::kwarg(kwargs, "create_type").is_some_and(|v| v.is("False"));
                let name = Value::kwarg(kwargs, "name")
                    .and_then(Value::as_str)
                    .filter(|_| created)?;
                let labels: Vec<String> = args
                    .iter()
                    .filter_map(Value::as_str)
                    .map(crate::sql::literal)
                    .collect();
                Some(format!(
                    "CREATE TYPE {} AS ENUM ({})",
                    ident(ctx.database, name),
                    labels.join(", ")
                ))
            }
            _ => None,
        })
        .collect()
}
