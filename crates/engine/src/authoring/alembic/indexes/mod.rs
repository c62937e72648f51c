//! `op.create_index` as SQLAlchemy writes it: columns by name or as SQL (`sa.text("x DESC")`),
//! `unique`, PostgreSQL's `CONCURRENTLY` and `USING method`, the name through the naming
//! convention. Pure. Must not import the file system.

use aurora_migrate_core::Database;

use super::context::{Ctx, computed, ident, option};
use super::naming::{Object, Subject};
use super::python::Value;
use super::report::{Reason, Todo};

/// The statement of `op.create_index(name, table, columns, **kw)`.
pub(super) fn create_index(
    table: &str,
    name: Option<&Value>,
    columns: Option<&Value>,
    kwargs: &[(String, Value)],
    ctx: &Ctx,
) -> Result<Vec<String>, Todo> {
    let database = ctx.database;
    let items = match columns {
        Some(Value::Seq(items)) => items.as_slice(),
        Some(one @ Value::Str(_)) => std::slice::from_ref(one),
        Some(_) => return Err(computed("columns that are not a list of names")),
        None => return Err(option("`op.create_index` without columns")),
    };
    // Each column as SQL, and the names among them (for the naming convention).
    let mut sql = Vec::new();
    let mut names = Vec::new();
    for item in items {
        match item {
            Value::Str(name) => {
                sql.push(ident(database, name));
                names.push(name.clone());
            }
            Value::Call { func, args, .. } if ctx.sa(func).as_deref() == Some("text") => {
                match args.as_slice() {
                    [Value::Str(text)] => sql.push(text.clone()),
                    _ => return Err(computed("`sa.text` of something other than a string")),
                }
            }
            _ => return Err(option("a column that is not a name (an expression)")),
        }
    }
    let name = name_of(ctx, name, table, &names, names.len() != sql.len())?;
    let flag = |key: &str| Value::kwarg(kwargs, key).is_some_and(|v| v.is("True"));
    let postgres = database == Database::Postgres;
    let concurrently = if flag("postgresql_concurrently") && postgres {
        " CONCURRENTLY"
    } else {
        ""
    };
    let using = match Value::kwarg(kwargs, "postgresql_using") {
        Some(Value::Str(method)) if postgres => {
            if !method
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(option(format!("`postgresql_using={method:?}`")));
            }
            format!(" USING {method}")
        }
        Some(Value::Str(_)) | None => String::new(),
        Some(v) if v.is("None") => String::new(),
        Some(_) => return Err(computed("`postgresql_using=` that is not a string")),
    };
    Ok(vec![format!(
        "CREATE {}INDEX{concurrently} {} ON {}{using} ({})",
        if flag("unique") { "UNIQUE " } else { "" },
        ident(database, &name),
        ident(database, table),
        sql.join(", ")
    )])
}

/// The index's name as SQLAlchemy gives it; with an expression among the columns, only a name
/// that does not depend on the columns.
fn name_of(
    ctx: &Ctx,
    given: Option<&Value>,
    table: &str,
    columns: &[String],
    expression: bool,
) -> Result<String, Todo> {
    let given = ctx.given(given, "the index's name")?;
    let name = |columns: &[String]| {
        let subject = Subject {
            object: Object::Index,
            table,
            columns,
            referred_table: None,
            referred_columns: &[],
        };
        ctx.naming.name(&given, &subject, ctx.database)
    };
    let named = name(columns)?;
    if expression && named != name(&["another".to_string()])? {
        return Err(Todo::new(
            Reason::Name,
            "an index on an expression named by the naming convention from its columns",
        ));
    }
    named.ok_or_else(|| {
        Todo::new(
            Reason::Name,
            "an index with no name, and no `ix` naming convention to name it",
        )
    })
}

#[cfg(test)]
mod tests;
