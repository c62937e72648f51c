//! `e.create(bind)` and `e.drop(bind)` of an enum type a name holds (`sa.Enum(...)`,
//! `postgresql.ENUM(...)`), as SQLAlchemy runs them: `CREATE TYPE` and `DROP TYPE` on
//! PostgreSQL, nothing where the dialect has no such type. `checkfirst=True` (the default of
//! `postgresql.ENUM`'s methods) asks the catalog first: here a `DO` block that asks the same
//! question SQLAlchemy asks (a visible type of that name, outside `pg_catalog`) or `DROP TYPE IF
//! EXISTS`. Pure. Must not import the file system.

use aurora_migrate_core::Database;

use super::locals::Locals;
use crate::authoring::alembic::context::{Ctx, computed, ident, option};
use crate::authoring::alembic::python::Value;
use crate::authoring::alembic::report::Todo;

/// The SQL of `method` (`create` or `drop`) called on the enum type `kind` with `args` and
/// `kwargs`; `None` when it is another method.
pub(super) fn call(
    kind: &Value,
    method: &str,
    args: &[Value],
    kwargs: &[(String, Value)],
    ctx: &Ctx,
    locals: &Locals,
) -> Option<Result<Vec<String>, Todo>> {
    let create = match method {
        "create" => true,
        "drop" => false,
        _ => return None,
    };
    Some(sql(kind, create, args, kwargs, ctx, locals))
}

fn sql(
    kind: &Value,
    create: bool,
    args: &[Value],
    kwargs: &[(String, Value)],
    ctx: &Ctx,
    locals: &Locals,
) -> Result<Vec<String>, Todo> {
    let Value::Call {
        func,
        args: labels,
        kwargs: options,
    } = kind
    else {
        return Err(computed("an enum type that is not a call"));
    };
    let Some((dialect, _)) = ctx.scope.sqlalchemy(func) else {
        return Err(computed("an enum type that is not SQLAlchemy's"));
    };
    // `postgresql.ENUM` checks first unless told not to; `sa.Enum` does not.
    let native = dialect.as_deref() == Some("postgresql");
    if dialect.as_deref().is_some_and(|d| d != "postgresql") {
        return Err(option(format!("the enum type `{func}` of another dialect")));
    }
    if args.len() > 1 || kwargs.iter().any(|(k, _)| k != "bind" && k != "checkfirst") {
        return Err(option(
            "an enum's `create` or `drop` with options not converted",
        ));
    }
    let Some(bind) = args.first().or_else(|| Value::kwarg(kwargs, "bind")) else {
        return Err(option("an enum's `create` or `drop` without its bind"));
    };
    let is_bind = match bind {
        Value::Name(name) => locals.is_bind(name),
        Value::Call { func, args, kwargs } => {
            args.is_empty()
                && kwargs.is_empty()
                && ctx.scope.op(func).as_deref() == Some("get_bind")
        }
        _ => false,
    };
    if !is_bind {
        return Err(computed(
            "an enum's `create` or `drop` on something not `op.get_bind()`",
        ));
    }
    let checkfirst = match Value::kwarg(kwargs, "checkfirst") {
        None => native,
        Some(v) if v.is("True") => true,
        Some(v) if v.is("False") => false,
        Some(_) => return Err(computed("`checkfirst=` that is not True or False")),
    };
    if let Some((key, _)) = options
        .iter()
        .find(|(k, _)| !matches!(k.as_str(), "name" | "create_type" | "native_enum"))
    {
        return Err(option(format!("an enum type with `{key}=`")));
    }
    let emulated = Value::kwarg(options, "native_enum").is_some_and(|v| !v.is("True"));
    match ctx.database {
        // SQLAlchemy has no type to make here: `sa.Enum` is a column type of its own, and
        // `postgresql.ENUM` does nothing where enums are not native.
        Database::Sqlite => return Ok(Vec::new()),
        Database::Mysql if !native => return Ok(Vec::new()),
        Database::Mysql => {
            return Err(option(
                "`postgresql.ENUM`'s `create` or `drop` on MySQL, which SQLAlchemy cannot run",
            ));
        }
        Database::Postgres if emulated => return Ok(Vec::new()),
        Database::Postgres => {}
    }
    let Some(name) = Value::kwarg(options, "name").and_then(Value::as_str) else {
        return Err(option("an enum type with no name"));
    };
    let type_name = ident(ctx.database, name);
    if !create {
        let exists = if checkfirst { "IF EXISTS " } else { "" };
        return Ok(vec![format!("DROP TYPE {exists}{type_name}")]);
    }
    let labels: Vec<String> = labels
        .iter()
        .filter_map(Value::as_str)
        .map(crate::sql::literal)
        .collect();
    let statement = format!("CREATE TYPE {type_name} AS ENUM ({})", labels.join(", "));
    Ok(vec![match checkfirst {
        false => statement,
        true => format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN \
             pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = {} AND \
             pg_catalog.pg_type_is_visible(t.oid) AND n.nspname <> 'pg_catalog') THEN \
             {statement}; END IF; END $$",
            crate::sql::literal(name)
        ),
    }])
}
