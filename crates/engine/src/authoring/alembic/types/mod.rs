//! Column types as one database writes them, word for word as SQLAlchemy 2.1's type compiler
//! does: SQLAlchemy's, recognised only when the script's imports make them SQLAlchemy's; the
//! project's own through the type map; anything else, and any argument that would change the
//! DDL and is not read here, left to do, named. Pure. Must not import the file system.

mod enums;

use aurora_migrate_core::Database;

use super::context::{Ctx, option};
use super::names::Origin;
use super::naming::Given;
use super::python::Value;
use super::report::{Reason, Todo};

pub(super) fn unknown(what: impl Into<String>) -> Todo {
    Todo::new(Reason::UnknownType, what)
}

/// What SQLAlchemy's autoincrement rule sees of a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Affinity {
    /// `SmallInteger`: SMALLSERIAL on PostgreSQL.
    Small,
    /// `Integer`: SERIAL.
    Integer,
    /// `BigInteger`: BIGSERIAL.
    Big,
    /// Not an integer.
    Other,
    /// A project's type from the type map whose SQL is an integer's: whether SQLAlchemy sees
    /// an integer (a `TypeDecorator` of one) cannot be known.
    Unknown,
}

/// A CHECK constraint a type adds to its table (a non-native `Enum` or `Boolean` with
/// `create_constraint=True`): `column IN (list)`, named after the type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Check {
    /// The type's `name=`.
    pub(super) name: Given,
    /// The values, as SQL, joined with `, `.
    pub(super) list: String,
}

/// A column type as one database writes it, with what it brings along.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Type {
    /// Its SQL.
    pub(super) sql: String,
    /// What the autoincrement rule sees.
    pub(super) affinity: Affinity,
    /// The CHECK it adds to the table.
    pub(super) check: Option<Check>,
    /// The `CREATE TYPE` that `op.create_table` runs first (a PostgreSQL enum).
    pub(super) create: Option<String>,
    /// MySQL's TIMESTAMP, which SQLAlchemy writes `NULL` when nullable.
    pub(super) timestamp: bool,
}

impl Type {
    fn plain(sql: impl Into<String>) -> Type {
        Type {
            sql: sql.into(),
            affinity: Affinity::Other,
            check: None,
            create: None,
            timestamp: false,
        }
    }
}

/// A column type's SQL alone, for `op.alter_column(type_=...)`: a type that would add a
/// constraint is left to do.
pub(super) fn sql_type(value: &Value, ctx: &Ctx) -> Result<String, Todo> {
    let kind = column_type(value, ctx)?;
    if kind.check.is_some() {
        return Err(option(
            "a type that adds a CHECK constraint (`create_constraint=True`) in `op.alter_column`",
        ));
    }
    Ok(kind.sql)
}

/// The arguments of a call of SQLAlchemy's type, by the names of its parameters in order:
/// a positional argument past them, or a keyword not among them, is left to do.
fn params<'a>(
    func: &str,
    args: &'a [Value],
    kwargs: &'a [(String, Value)],
    names: &[&'static str],
) -> Result<Vec<(&'static str, &'a Value)>, Todo> {
    if args.len() > names.len() {
        return Err(option(format!(
            "`{func}` with more positional arguments than are read"
        )));
    }
    let mut given: Vec<(&'static str, &Value)> = names.iter().copied().zip(args).collect();
    for (key, value) in kwargs {
        match names.iter().find(|n| **n == key) {
            Some(name) if !given.iter().any(|(g, _)| g == name) => given.push((name, value)),
            _ => return Err(option(format!("`{func}` with `{key}=`"))),
        }
    }
    Ok(given)
}

/// A column type as the database's own.
pub(super) fn column_type(value: &Value, ctx: &Ctx) -> Result<Type, Todo> {
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
    if matches!(base.as_str(), "Enum" | "ENUM") {
        return enums::enum_type(func, args, kwargs, ctx);
    }
    sqlalchemy_type(func, &base, args, kwargs, database)
}

/// The type compiler's words for SQLAlchemy's `base` (called as `func`) on the database.
fn sqlalchemy_type(
    func: &str,
    base: &str,
    args: &[Value],
    kwargs: &[(String, Value)],
    database: Database,
) -> Result<Type, Todo> {
    let names: &[&'static str] = match base {
        "String" | "VARCHAR" | "Unicode" | "Text" | "TEXT" | "UnicodeText" => {
            &["length", "collation"]
        }
        "Boolean" | "BOOLEAN" => &["create_constraint", "name"],
        "Float" | "FLOAT" => &["precision", "asdecimal", "decimal_return_scale"],
        "Numeric" | "NUMERIC" | "DECIMAL" => {
            &["precision", "scale", "decimal_return_scale", "asdecimal"]
        }
        "DateTime" | "TIMESTAMP" | "Time" | "TIME" => &["timezone"],
        // `astext_type` is what `->>` returns, in Python: no DDL.
        "JSON" | "JSONB" => &["none_as_null", "astext_type"],
        "Uuid" => &["as_uuid", "native_uuid"],
        "Interval" => &["native", "second_precision"],
        "UUID" => &["as_uuid"],
        _ => &[],
    };
    let given = params(func, args, kwargs, names)?;
    let arg = |key: &str| given.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let number = |key: &str| -> Result<Option<String>, Todo> {
        match arg(key) {
            None => Ok(None),
            Some(v) if v.is("None") => Ok(None),
            Some(Value::Num(n)) => Ok(Some(n.clone())),
            Some(_) => Err(option(format!(
                "`{func}` with `{key}` that is not a number"
            ))),
        }
    };
    let flag = |key: &str, default: bool| -> Result<bool, Todo> {
        match arg(key) {
            None => Ok(default),
            Some(v) if v.is("True") => Ok(true),
            Some(v) if v.is("False") => Ok(false),
            Some(_) => Err(option(format!("`{func}` with `{key}` not True or False"))),
        }
    };
    let (postgres, mysql) = (database == Database::Postgres, database == Database::Mysql);
    let integer = |sql: &str, affinity: Affinity| Type {
        affinity,
        ..Type::plain(sql)
    };
    let kind = match base {
        "Integer" | "INTEGER" => integer("INTEGER", Affinity::Integer),
        "BigInteger" | "BIGINT" => integer("BIGINT", Affinity::Big),
        "SmallInteger" | "SMALLINT" => integer("SMALLINT", Affinity::Small),
        "String" | "VARCHAR" | "Unicode" | "Text" | "TEXT" | "UnicodeText" => {
            let text = matches!(base, "Text" | "TEXT" | "UnicodeText");
            let sql = match (number("length")?, text) {
                (Some(_), true) => {
                    return Err(option(format!("`{func}` with a length")));
                }
                (None, true) => "TEXT".to_string(),
                (Some(n), false) => format!("VARCHAR({n})"),
                (None, false) if mysql => {
                    return Err(unknown(format!(
                        "`{func}` without a length, which SQLAlchemy refuses on MySQL"
                    )));
                }
                (None, false) => "VARCHAR".to_string(),
            };
            Type::plain(sql + &collation(func, arg("collation"), database)?)
        }
        "Boolean" | "BOOLEAN" => {
            let name = match arg("name") {
                None => Given::None,
                Some(v) if v.is("None") => Given::None,
                Some(Value::Str(name)) => Given::Plain(name.clone()),
                Some(_) => return Err(option(format!("`{func}` with a `name` not a string"))),
            };
            Type {
                // SQLAlchemy checks a non-native boolean (SQLite's, MySQL's) only when asked.
                check: (flag("create_constraint", false)? && !postgres).then(|| Check {
                    name,
                    list: "0, 1".into(),
                }),
                ..Type::plain(if mysql { "BOOL" } else { "BOOLEAN" })
            }
        }
        "Float" | "FLOAT" => match (number("precision")?, database) {
            (Some(p), Database::Postgres | Database::Mysql) => Type::plain(format!("FLOAT({p})")),
            _ => Type::plain("FLOAT"),
        },
        "Double" | "DOUBLE" if !postgres => Type::plain("DOUBLE"),
        "Double" | "DOUBLE_PRECISION" if postgres => Type::plain("DOUBLE PRECISION"),
        "Numeric" | "NUMERIC" | "DECIMAL" => {
            let word = if base == "DECIMAL" {
                "DECIMAL"
            } else {
                "NUMERIC"
            };
            Type::plain(match (number("precision")?, number("scale")?) {
                (Some(p), Some(s)) => format!("{word}({p}, {s})"),
                (Some(p), None) => format!("{word}({p})"),
                (None, None) => word.to_string(),
                (None, Some(_)) => return Err(option(format!("`{func}` with a scale alone"))),
            })
        }
        "Date" | "DATE" => Type::plain("DATE"),
        "DateTime" | "TIMESTAMP" | "Time" | "TIME" => {
            let time = matches!(base, "Time" | "TIME");
            let zone = flag("timezone", false)?;
            match database {
                Database::Postgres => Type::plain(format!(
                    "{} {} TIME ZONE",
                    if time { "TIME" } else { "TIMESTAMP" },
                    if zone { "WITH" } else { "WITHOUT" }
                )),
                _ if time => Type::plain("TIME"),
                _ if base == "TIMESTAMP" => Type {
                    timestamp: mysql,
                    ..Type::plain("TIMESTAMP")
                },
                _ => Type::plain("DATETIME"),
            }
        }
        "JSON" => Type::plain("JSON"),
        "JSONB" if postgres => Type::plain("JSONB"),
        "UUID" => Type::plain("UUID"),
        "Uuid" if postgres && flag("native_uuid", true)? => Type::plain("UUID"),
        "Uuid" => Type::plain("CHAR(32)"),
        "Interval" => match (database, flag("native", true)?, number("second_precision")?) {
            (Database::Postgres, true, None) => Type::plain("INTERVAL"),
            (Database::Postgres, true, Some(p)) => Type::plain(format!("INTERVAL ({p})")),
            (Database::Postgres, false, _) => Type::plain("TIMESTAMP WITHOUT TIME ZONE"),
            _ => Type::plain("DATETIME"),
        },
        "LargeBinary" if postgres => Type::plain("BYTEA"),
        "LargeBinary" => Type::plain("BLOB"),
        _ => return Err(unknown(format!("the column type `{func}`"))),
    };
    Ok(kind)
}

/// ` COLLATE ...` as the type compiler writes it: quoted on PostgreSQL and SQLite, bare on
/// MySQL.
fn collation(func: &str, value: Option<&Value>, database: Database) -> Result<String, Todo> {
    match value {
        None => Ok(String::new()),
        Some(v) if v.is("None") => Ok(String::new()),
        Some(Value::Str(name)) if !name.is_empty() && !name.contains(['"', '`', '\\']) => {
            Ok(match database {
                Database::Mysql => format!(" COLLATE {name}"),
                _ => format!(" COLLATE \"{name}\""),
            })
        }
        Some(_) => Err(option(format!(
            "`{func}` with a `collation` that is not a plain string"
        ))),
    }
}

/// The type map's SQL for `qualified` (as written: `func`) on the database, if it names it.
fn mapped(qualified: &str, func: &str, ctx: &Ctx) -> Result<Option<Type>, Todo> {
    match ctx.types.get(qualified, ctx.database) {
        None => Ok(None),
        Some(Some(sql)) => {
            let word = sql.split_whitespace().next().unwrap_or_default();
            let integer = [
                "integer",
                "int",
                "int2",
                "int4",
                "int8",
                "bigint",
                "smallint",
                "serial",
                "bigserial",
                "mediumint",
                "tinyint",
            ]
            .iter()
            .any(|i| {
                word.eq_ignore_ascii_case(i)
                    || word.to_ascii_lowercase().starts_with(&format!("{i}("))
            });
            Ok(Some(Type {
                affinity: if integer {
                    Affinity::Unknown
                } else {
                    Affinity::Other
                },
                ..Type::plain(sql)
            }))
        }
        Some(None) => Err(unknown(format!(
            "the type map gives `{qualified}` (`{func}`) no type for {}",
            ctx.database
        ))),
    }
}

#[cfg(test)]
mod tests;
