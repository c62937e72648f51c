//! `sa.Enum` as SQLAlchemy 2.1 writes it on each database: a named type on PostgreSQL (created
//! before the table), `ENUM(...)` on MySQL, else (`native_enum=False`, and always on SQLite) a
//! VARCHAR as long as the longest value, with a CHECK only when `create_constraint=True`. Its
//! values are strings written in the call, or the member names of an `enum.Enum` class the
//! script itself defines with literal values; anything else is left to do. Pure. Must not
//! import the file system.

use aurora_migrate_core::Database;

use super::{Affinity, Check, Type, params, unknown};
use crate::authoring::alembic::context::{Ctx, ident, literal, option};
use crate::authoring::alembic::naming::Given;
use crate::authoring::alembic::python::{Class, Value};
use crate::authoring::alembic::report::Todo;

/// `sa.Enum(...)`, or a dialect's `ENUM(...)`, called as `func`; `create_type=False` (which
/// SQLAlchemy passes on to PostgreSQL's ENUM from either) leaves the type uncreated.
pub(super) fn enum_type(
    func: &str,
    args: &[Value],
    kwargs: &[(String, Value)],
    ctx: &Ctx,
) -> Result<Type, Todo> {
    let database = ctx.database;
    let names = [
        "name",
        "native_enum",
        "create_constraint",
        "length",
        "validate_strings",
        "omit_aliases",
        "create_type",
    ];
    let given = params(func, &[], kwargs, &names)?;
    let arg = |key: &str| given.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let flag = |key: &str, default: bool| -> Result<bool, Todo> {
        match arg(key) {
            None => Ok(default),
            Some(v) if v.is("True") => Ok(true),
            Some(v) if v.is("False") => Ok(false),
            Some(_) => Err(option(format!("`{func}` with `{key}` not True or False"))),
        }
    };
    if !flag("omit_aliases", true)? {
        return Err(option(format!("`{func}` with `omit_aliases=False`")));
    }
    let (labels, class) = labels(func, args, ctx)?;
    let name = match arg("name") {
        None => class.map(str::to_lowercase),
        Some(v) if v.is("None") => class.map(str::to_lowercase),
        Some(Value::Str(name)) => Some(name.clone()),
        Some(_) => return Err(option(format!("`{func}` with a `name` not a string"))),
    };
    let native = flag("native_enum", true)? && database != Database::Sqlite;
    let quoted: Vec<String> = labels.iter().map(|l| literal(database, l)).collect();
    if native {
        return Ok(match database {
            Database::Mysql => Type::plain(format!("ENUM({})", quoted.join(","))),
            _ => {
                let name = name.ok_or_else(|| {
                    unknown(format!(
                        "`{func}` without `name=`, which SQLAlchemy refuses on PostgreSQL"
                    ))
                })?;
                Type {
                    create: flag("create_type", true)?.then(|| {
                        format!(
                            "CREATE TYPE {} AS ENUM ({})",
                            ident(database, &name),
                            quoted.join(", ")
                        )
                    }),
                    ..Type::plain(ident(database, &name))
                }
            }
        });
    }
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let length = match arg("length") {
        None => longest,
        Some(Value::Num(n)) => match n.parse::<usize>() {
            Ok(n) if n >= longest => n,
            _ => {
                return Err(option(format!(
                    "`{func}` with a `length` shorter than its longest value"
                )));
            }
        },
        Some(_) => return Err(option(format!("`{func}` with a `length` not a number"))),
    };
    Ok(Type {
        sql: format!("VARCHAR({length})"),
        affinity: Affinity::Other,
        check: flag("create_constraint", false)?.then(|| Check {
            name: name.map_or(Given::None, Given::Plain),
            list: quoted.join(", "),
        }),
        create: None,
        timestamp: false,
    })
}

/// The enum's values, and the class they come from.
fn labels<'c>(
    func: &str,
    args: &[Value],
    ctx: &Ctx<'c>,
) -> Result<(Vec<String>, Option<&'c str>), Todo> {
    match args {
        [] => Err(option(format!("`{func}` with no values"))),
        [Value::Name(class)] => {
            let found = class_members(class, ctx)?;
            Ok((found.1, Some(found.0)))
        }
        values => values
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| option(format!("`{func}` with a value that is not a string")))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|labels| (labels, None)),
    }
}

/// The members SQLAlchemy takes from the enum class `name`: their names, in order, aliases
/// left out; only for a class the script defines plainly, with literal values.
fn class_members<'c>(name: &str, ctx: &Ctx<'c>) -> Result<(&'c str, Vec<String>), Todo> {
    let todo = |why: &str| option(format!("the enum class `{name}` {why}"));
    if let Some(qualified) = ctx.scope.qualified(name) {
        return Err(todo(&format!(
            "is imported (`{qualified}`): its values cannot be read from the script"
        )));
    }
    let mut classes = ctx.classes.iter().filter(|c| c.name == name);
    let class: &'c Class = match (classes.next(), classes.next()) {
        (Some(class), None) => class,
        (None, _) => return Err(todo("is not a class defined in the script")),
        _ => return Err(todo("is defined more than once")),
    };
    let mut mixin = None;
    let mut is_enum = false;
    for base in &class.bases {
        let Value::Name(base) = base else {
            return Err(todo("has a base that is not a name"));
        };
        match ctx.scope.qualified(base).as_deref() {
            Some("enum.Enum" | "enum.StrEnum" | "enum.IntEnum") => is_enum = true,
            None if base == "str" || base == "int" => mixin = Some(base.as_str()),
            _ => return Err(todo(&format!("has the base `{base}`, not `enum.Enum`"))),
        }
    }
    if !is_enum || !class.plain {
        return Err(todo(
            "is not a plain `enum.Enum` (its bases, decorators or body say more than literal members)",
        ));
    }
    let mut members: Vec<String> = Vec::new();
    let mut values: Vec<String> = Vec::new();
    for (member, value) in &class.assignments {
        if member.starts_with('_') {
            return Err(todo(&format!(
                "assigns `{member}`, which Enum reads specially"
            )));
        }
        // Values compared as Python compares them: an equal value makes an alias.
        let key = match (value, mixin) {
            (Value::Str(s), None | Some("str")) => format!("s{s}"),
            (Value::Num(n), None | Some("int")) if n.parse::<i64>().is_ok() => {
                format!("n{}", n.parse::<i64>().unwrap_or_default())
            }
            _ => {
                return Err(todo(&format!(
                    "gives `{member}` a value that is not a plain literal of its kind"
                )));
            }
        };
        if !values.contains(&key) {
            values.push(key);
            members.push(member.clone());
        }
    }
    if members.is_empty() {
        return Err(todo("has no members"));
    }
    Ok((class.name.as_str(), members))
}
