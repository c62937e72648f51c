//! `with op.batch_alter_table("t") as batch_op:` blocks whose body is `batch_op` calls, as
//! Alembic runs them when it does not copy the table: each call as the `op` call it stands for,
//! with the table bound. Alembic copies the table ("move and copy") only on SQLite, for any
//! call but `add_column` (without a SQL expression as its default), `create_index` and
//! `drop_index`: that copy needs the table's whole shape, which this importer does not track, so
//! such a block is left to do whole on SQLite. Pure. Must not import the file system.

use aurora_migrate_core::Database;

use super::locals::Locals;
use crate::authoring::alembic::context::{Ctx, option};
use crate::authoring::alembic::ops;
use crate::authoring::alembic::piece::Piece;
use crate::authoring::alembic::python::{Kind, Statement, Value};
use crate::authoring::alembic::report::{Reason, Todo};

/// Options of `batch_alter_table` that only a table copy reads.
const COPY_ONLY: &[&str] = &[
    "partial_reordering",
    "copy_from",
    "table_args",
    "table_kwargs",
    "reflect_args",
    "reflect_kwargs",
    "naming_convention",
];

/// The pieces of a `with` statement that is a `batch_alter_table` block; `None` when it is not
/// one.
pub(super) fn block(
    statement: &Statement,
    items: &[(Value, Option<Value>)],
    body: &[Statement],
    ctx: &Ctx,
    locals: &Locals,
) -> Option<Vec<Piece>> {
    let [(Value::Call { func, args, kwargs }, alias)] = items else {
        return None;
    };
    if ctx.scope.op(func).as_deref() != Some("batch_alter_table") {
        return None;
    }
    let whole = |what: &str| {
        vec![Piece::Todo {
            line: statement.line,
            todo: Todo::new(Reason::BatchAlterTable, what),
            source: statement.source.clone(),
        }]
    };
    let table = match args.first().or_else(|| Value::kwarg(kwargs, "table_name")) {
        Some(Value::Str(table)) => table.clone(),
        _ => {
            return Some(whole(
                "a `batch_alter_table` block on a table that is not a string",
            ));
        }
    };
    if args.len() > 1 {
        return Some(whole(
            "a `batch_alter_table` block with options given by position",
        ));
    }
    for (key, value) in kwargs {
        let plain = match key.as_str() {
            "table_name" => true,
            "schema" => value.is("None"),
            "recreate" => value.as_str() == Some("auto"),
            key => COPY_ONLY.contains(&key),
        };
        if !plain {
            return Some(whole(&format!(
                "a `batch_alter_table` block with `{key}=` not converted"
            )));
        }
    }
    let Some(Value::Name(alias)) = alias else {
        return Some(whole("a `batch_alter_table` block not bound with `as`"));
    };
    let mut calls = Vec::new();
    for inner in body {
        match &inner.kind {
            Kind::Pass => {}
            Kind::Expr(value) => match locals.resolve(value) {
                Value::Call { func, args, kwargs }
                    if func
                        .strip_prefix(alias.as_str())
                        .and_then(|m| m.strip_prefix('.'))
                        .is_some_and(|m| !m.contains('.')) =>
                {
                    let method = func[alias.len() + 1..].to_string();
                    calls.push((inner, method, args, kwargs));
                }
                _ => return Some(whole(NOT_BATCH)),
            },
            _ => return Some(whole(NOT_BATCH)),
        }
    }
    if ctx.database == Database::Sqlite
        && calls
            .iter()
            .any(|(_, method, args, kwargs)| copies(method, args, kwargs))
    {
        return Some(whole(
            "on SQLite this batch copies the table (\"move and copy\"), which needs the table's \
             whole shape: this importer does not track it",
        ));
    }
    // `batch_op.f("name")` is `op.f("name")`.
    let scope = ctx.scope.bound_to(alias, "alembic.op");
    let ctx = Ctx {
        scope: &scope,
        ..*ctx
    };
    let pieces = calls
        .into_iter()
        .map(|(inner, method, args, kwargs)| {
            match translate(&method, args, kwargs, &table)
                .and_then(|(op, args, kwargs)| ops::convert(op, &args, &kwargs, &ctx))
            {
                Ok(sql) => Piece::Sql(sql),
                Err(todo) => Piece::Todo {
                    line: inner.line,
                    todo,
                    source: inner.source.clone(),
                },
            }
        })
        .collect();
    Some(pieces)
}

/// Why a block with anything but `batch_op` calls is left to do: Alembic runs the batch's
/// calls at the block's end, after the other statements.
const NOT_BATCH: &str = "a `batch_alter_table` block with a statement that is not a call of its own, which runs \
     before the batch's calls";

/// Whether Alembic copies the table on SQLite for this call.
fn copies(method: &str, args: &[Value], kwargs: &[(String, Value)]) -> bool {
    match method {
        "create_index" | "drop_index" => false,
        "add_column" => match args.first().or_else(|| Value::kwarg(kwargs, "column")) {
            Some(Value::Call { args, kwargs, .. }) => {
                let expression_default = Value::kwarg(kwargs, "server_default")
                    .is_some_and(|v| !matches!(v, Value::Str(_)) && !v.is("None"));
                let computed = args.iter().any(|a| {
                    matches!(a, Value::Call { func, .. } if func.rsplit('.').next() == Some("Computed"))
                });
                expression_default || computed
            }
            _ => true,
        },
        _ => true,
    }
}

/// The `op` call a `batch_op` call stands for: its name and its arguments with the table.
type OpCall = (&'static str, Vec<Value>, Vec<(String, Value)>);

/// `batch_op.<method>(args, kwargs)` as the `op` call on `table`.
fn translate(
    method: &str,
    mut args: Vec<Value>,
    mut kwargs: Vec<(String, Value)>,
    table: &str,
) -> Result<OpCall, Todo> {
    if let Some((key, _)) = kwargs
        .iter()
        .find(|(k, _)| k == "insert_before" || k == "insert_after")
    {
        return Err(option(format!(
            "`batch_op.{method}` with `{key}=`, which only a table copy honours"
        )));
    }
    let (op, at, key) = match method {
        "add_column" => ("add_column", 0, "table_name"),
        "drop_column" => ("drop_column", 0, "table_name"),
        "alter_column" => ("alter_column", 0, "table_name"),
        "create_index" => ("create_index", 1, "table_name"),
        "drop_index" => ("drop_index", 1, "table_name"),
        "create_unique_constraint" => ("create_unique_constraint", 1, "table_name"),
        "create_foreign_key" => ("create_foreign_key", 1, "source_table"),
        "create_check_constraint" => ("create_check_constraint", 1, "table_name"),
        "create_primary_key" => ("create_primary_key", 1, "table_name"),
        "drop_constraint" => ("drop_constraint", 1, "table_name"),
        other => {
            return Err(Todo::new(
                Reason::BatchAlterTable,
                format!("`batch_op.{other}` is not converted"),
            ));
        }
    };
    let table = Value::Str(table.to_string());
    if args.len() >= at {
        args.insert(at, table);
    } else {
        kwargs.push((key.to_string(), table));
    }
    Ok((op, args, kwargs))
}
