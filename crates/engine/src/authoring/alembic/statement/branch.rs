//! Which way an `if` on the dialect's name goes on one database: `op.get_context().dialect.name`,
//! `op.get_bind().dialect.name` or `.engine.name`, or the same through a name assigned once to
//! the bind, the context or the name itself, compared with `==`, `!=`, `in` or `not in` to string literals.
//! Anything else is undecided. Pure. Must not import the file system.

use aurora_migrate_core::Database;

use super::locals::{Locals, is_dialect_name};
use crate::authoring::alembic::context::Ctx;
use crate::authoring::alembic::python::Value;

/// Whether `test` holds on the database of `ctx`; `None` when that is not certain here.
pub(super) fn decide(test: &Value, ctx: &Ctx, locals: &Locals) -> Option<bool> {
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
