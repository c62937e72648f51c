//! The statements of `upgrade()` or `downgrade()` as the pieces of one database's section: each
//! `op` call through [`super::ops`], and the Python shapes around them whose effect is certain
//! without running the script: literal names, `op.get_bind()` and its `execute(sa.text(...))`,
//! `if` on the dialect's name, `batch_alter_table` blocks and `autocommit_block()`. Anything else
//! is a piece left to do, with its reason. Pure. Must not import the file system.

mod batch;
mod branch;
mod described;
mod enums;
mod locals;
mod tables;

pub(super) use locals::Locals;

use super::context::{Ctx, computed};
use super::ops;
use super::piece::Piece;
use super::python::{Kind, Statement, Value};
use super::report::{Reason, Todo};

/// A walk through one function's statements for one database.
pub(super) struct Walk<'a> {
    ctx: Ctx<'a>,
    locals: Locals,
    /// What the section holds, in order.
    pub pieces: Vec<Piece>,
    /// Whether a statement runs outside the transaction (`autocommit_block()`).
    pub outside_transaction: bool,
    /// A `return` ran: the statements after it never run.
    returned: bool,
}

impl<'a> Walk<'a> {
    /// A walk on the database of `ctx`, with the function's certain names.
    pub(super) fn new(ctx: Ctx<'a>, locals: Locals) -> Walk<'a> {
        Walk {
            ctx,
            locals,
            pieces: Vec::new(),
            outside_transaction: false,
            returned: false,
        }
    }

    /// Walks the function's own body.
    pub(super) fn function(&mut self, body: &[Statement]) {
        for (index, statement) in body.iter().enumerate() {
            self.statement(statement, Some(index));
        }
    }

    /// Walks a block inside the function (a branch, a `with`).
    fn block(&mut self, body: &[Statement]) {
        for statement in body {
            self.statement(statement, None);
        }
    }

    /// One statement; `top` is its index when it is in the function's own body.
    fn statement(&mut self, statement: &Statement, top: Option<usize>) {
        if self.returned {
            return;
        }
        match &statement.kind {
            Kind::Assign { .. } if top.is_some_and(|index| self.locals.assigns(index)) => {}
            Kind::Other(what) if what == "a `return`" => self.returned = true,
            Kind::If { test, body, orelse } => {
                match branch::decide(&self.locals.resolve(test), &self.ctx, &self.locals) {
                    Some(true) => self.block(body),
                    Some(false) => self.block(orelse),
                    None => self.todo(
                        statement,
                        Todo::new(
                            Reason::Branch,
                            format!("an `if` on {}, decided when the script runs", subject(test)),
                        ),
                    ),
                }
            }
            Kind::With { items, body } => {
                let items: Vec<(Value, Option<Value>)> = items
                    .iter()
                    .map(|(v, name)| (self.locals.resolve(v), name.clone()))
                    .collect();
                if self.autocommit(&items) {
                    self.outside_transaction = true;
                    self.block(body);
                } else if let Some(pieces) =
                    batch::block(statement, &items, body, &self.ctx, &self.locals)
                {
                    self.pieces.extend(pieces);
                } else {
                    self.todo(statement, with(&items));
                }
            }
            _ => match simple(statement, &self.ctx, &self.locals) {
                Ok(None) => {}
                Ok(Some(sql)) => self.pieces.push(Piece::Sql(sql)),
                Err(todo) => self.todo(statement, todo),
            },
        }
    }

    fn todo(&mut self, statement: &Statement, todo: Todo) {
        self.pieces.push(Piece::Todo {
            line: statement.line,
            todo,
            source: statement.source.clone(),
        });
    }

    /// Whether a `with` is exactly `op.get_context().autocommit_block()`.
    fn autocommit(&self, items: &[(Value, Option<Value>)]) -> bool {
        let [(context, None)] = items else {
            return false;
        };
        match context {
            Value::Method {
                on,
                name,
                args,
                kwargs,
            } if name == "autocommit_block" && args.is_empty() && kwargs.is_empty() => {
                matches!(&**on, Value::Call { func, args, kwargs }
                    if args.is_empty() && kwargs.is_empty()
                        && self.ctx.scope.op(func).as_deref() == Some("get_context"))
            }
            Value::Call { func, args, kwargs } if args.is_empty() && kwargs.is_empty() => {
                func.strip_suffix(".autocommit_block").is_some_and(|on| {
                    !on.contains('.') && self.locals.has_dialect(on) && !self.locals.is_bind(on)
                })
            }
            _ => false,
        }
    }
}

/// One statement that is not a block: its SQL, `None` for a statement that runs nothing.
fn simple(statement: &Statement, ctx: &Ctx, locals: &Locals) -> Result<Option<Vec<String>>, Todo> {
    match &statement.kind {
        Kind::Pass => Ok(None),
        // An import inside the function binds names (the scope has them) and runs nothing.
        Kind::Import(_) => Ok(None),
        Kind::Expr(value) => expression(&locals.resolve(value), ctx, locals).map(Some),
        Kind::TooLong(head) => Err(Todo::new(
            Reason::TooLong,
            format!(
                "{head} with an expression of more than {} operators, too long to read",
                super::python::MAX_DEPTH
            ),
        )),
        Kind::Assign { .. } | Kind::For { .. } => Err(Todo::new(
            Reason::PythonStatement,
            "a Python statement, not an `op` call",
        )),
        Kind::Other(what) => Err(Todo::new(
            Reason::PythonStatement,
            format!("a Python statement ({what}), not an `op` call"),
        )),
        Kind::If { .. } | Kind::With { .. } => Err(Todo::new(
            Reason::PythonStatement,
            "a block, not an `op` call",
        )),
    }
}

/// An expression statement: an `op` call, or `execute(sa.text("..."))` on the bind.
fn expression(value: &Value, ctx: &Ctx, locals: &Locals) -> Result<Vec<String>, Todo> {
    let not_op = |func: &str| {
        Todo::new(
            Reason::PythonStatement,
            format!("a call of `{func}`, not an `op` function"),
        )
    };
    match value {
        Value::Call { func, args, kwargs } => {
            if let Some(op) = ctx.scope.op(func) {
                return match (op.as_str(), args.as_slice()) {
                    ("bulk_insert", [table, ..])
                        if described::Table::read(table, ctx.scope).is_some() =>
                    {
                        tables::bulk_insert(args, kwargs, ctx)
                    }
                    ("execute", [statement]) if kwargs.is_empty() => {
                        tables::statement(statement, ctx, locals)
                            .unwrap_or_else(|| ops::convert(&op, args, kwargs, ctx))
                    }
                    _ => ops::convert(&op, args, kwargs, ctx),
                };
            }
            let Some((on, method)) = func.split_once('.') else {
                return Err(not_op(func));
            };
            if method == "execute" && locals.is_bind(on) {
                return bind_execute(args, kwargs, ctx, locals);
            }
            locals
                .enum_type(on)
                .and_then(|kind| enums::call(kind, method, args, kwargs, ctx, locals))
                .unwrap_or_else(|| Err(not_op(func)))
        }
        Value::Method {
            on,
            name,
            args,
            kwargs,
        } if name == "execute"
            && matches!(&**on, Value::Call { func, args, kwargs }
                if args.is_empty() && kwargs.is_empty()
                    && ctx.scope.op(func).as_deref() == Some("get_bind")) =>
        {
            bind_execute(args, kwargs, ctx, locals)
        }
        Value::Method { name, .. } => Err(not_op(name)),
        _ => Err(Todo::new(
            Reason::PythonStatement,
            "a Python statement, not an `op` call",
        )),
    }
}

/// `conn.execute(sa.text("..."))` on the connection `op.get_bind()` returned: the text's SQL,
/// as `op.execute` runs it. A plain string (SQLAlchemy 2 refuses it) or parameters are left to
/// do.
fn bind_execute(
    args: &[Value],
    kwargs: &[(String, Value)],
    ctx: &Ctx,
    locals: &Locals,
) -> Result<Vec<String>, Todo> {
    if let ([statement], []) = (args, kwargs)
        && let Some(sql) = tables::statement(statement, ctx, locals)
    {
        return sql;
    }
    match (args, kwargs) {
        ([text @ Value::Call { func, .. }], []) if ctx.sa(func).as_deref() == Some("text") => {
            ops::convert("execute", std::slice::from_ref(text), &[], ctx)
        }
        _ => Err(computed(
            "`execute` on the bind of something other than `sa.text(\"...\")` alone",
        )),
    }
}

/// Why a `with` block is left to do.
fn with(items: &[(Value, Option<Value>)]) -> Todo {
    let method = |value: &Value| match value {
        Value::Call { func, .. } => func.rsplit('.').next().map(str::to_string),
        Value::Method { name, .. } => Some(name.clone()),
        _ => None,
    };
    match items.first().and_then(|(v, _)| method(v)).as_deref() {
        Some("batch_alter_table") => Todo::new(
            Reason::BatchAlterTable,
            "a `batch_alter_table` block is not converted",
        ),
        Some("autocommit_block") => Todo::new(
            Reason::AutocommitBlock,
            "an `autocommit_block` runs outside the transaction: not converted",
        ),
        _ => Todo::new(Reason::PythonStatement, "a `with` block, not an `op` call"),
    }
}

/// What an `if` tests, in words.
fn subject(test: &Value) -> &'static str {
    let text = format!("{test:?}");
    if text.contains("dialect") {
        "the database's dialect"
    } else {
        "a value"
    }
}

#[cfg(test)]
mod tests;
