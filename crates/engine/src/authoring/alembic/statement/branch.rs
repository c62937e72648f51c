//! Which way an `if` on the dialect's name goes on one database: `op.get_context().dialect.name`,
//! `op.get_bind().dialect.name` or `.engine.name`, or the same through a name assigned once to
//! the bind, the context or the name itself, compared with `==`, `!=`, `in` or `not in` to string literals.
//! Anything else is undecided. Pure. Must not import the file system.

use aurora_migrate_core::Database;

use super::super::context::Ctx;
use super::super::names::Scope;
use super::super::python::Value;
use super::locals::Locals;

/// Whether `test` holds on the database of `ctx`; `None` when that is not certain here.
pub fn decide(test: &Value, ctx: &Ctx, locals: &Locals) -> Option<bool> {
    let Value::Compare { left, ops } = test else {
        return None;
    };
    let [(op, right)] = ops.as_slice() else {
        return None;
    };
    // `"postgresql" == name` as well as `name == "postgresql"`.
    let (names, op) = if is_dialect_name(left, ctx.scope, locals) {
        (literals(right)?, op.as_str())
    } else if is_dialect_name(right, ctx.scope, locals) && matches!(op.as_str(), "==" | "!=") {
        (literals(left)?, op.as_str())
    } else {
        return None;
    };
    if matches!(op, "==" | "!=") && names.len() != 1 {
        return None;
    }
    let ours = dialect(ctx.database, &names)?;
    let found = names.contains(&ours);
    match op {
        "==" | "in" => Some(found),
        "!=" | "not in" => Some(!found),
        _ => None,
    }
}

/// SQLAlchemy's name of the database's dialect; `None` where the names compared make it
/// uncertain (MariaDB is `mysql` or `mariadb` as the URL says).
fn dialect(database: Database, names: &[&str]) -> Option<&'static str> {
    match database {
        Database::Postgres => Some("postgresql"),
        Database::Sqlite => Some("sqlite"),
        Database::Mysql if names.contains(&"mariadb") => None,
        Database::Mysql => Some("mysql"),
    }
}

/// The string literals compared with: one, or a tuple or list of them.
fn literals(value: &Value) -> Option<Vec<&str>> {
    match value {
        Value::Str(s) => Some(vec![s.as_str()]),
        Value::Seq(items) => items.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

/// Whether `value` is the dialect's name, as the script reaches it: through the bind or the
/// context (`.dialect.name`), the bind's engine (`.engine.name`, `.engine.dialect.name`), or a
/// name holding one of them or the name itself.
pub fn is_dialect_name(value: &Value, scope: &Scope, locals: &Locals) -> bool {
    let Some((root, path)) = chain(value) else {
        return false;
    };
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let (bind, context) = match &root {
        Root::Call(func) => match scope.op(func).as_deref() {
            Some("get_bind") => (true, false),
            Some("get_context") => (false, true),
            _ => return false,
        },
        Root::Name(name) if path.is_empty() => return locals.is_dialect_name(name),
        Root::Name(name) => (locals.is_bind(name), locals.has_dialect(name)),
    };
    match path.as_slice() {
        ["dialect", "name"] => bind || context,
        ["engine", "name"] | ["engine", "dialect", "name"] => bind,
        _ => false,
    }
}

/// Where a chain of attributes starts.
enum Root {
    /// A plain name.
    Name(String),
    /// A call with no arguments of a dotted name.
    Call(String),
}

/// A value as the start of a chain of attributes and the attributes' names.
fn chain(value: &Value) -> Option<(Root, Vec<String>)> {
    match value {
        Value::Name(dotted) => {
            let mut parts = dotted.split('.').map(str::to_string);
            let first = parts.next()?;
            Some((Root::Name(first), parts.collect()))
        }
        Value::Call { func, args, kwargs } if args.is_empty() && kwargs.is_empty() => {
            Some((Root::Call(func.clone()), Vec::new()))
        }
        Value::Attribute { on, name } => {
            let (root, mut path) = chain(on)?;
            path.push(name.clone());
            Some((root, path))
        }
        _ => None,
    }
}
