//! What the plain names of a function stand for where that is certain: a name assigned once, to
//! a string or number literal, in the function's own body or at the module's top level; and a
//! name assigned once to `op.get_bind()` or `op.get_context()`. A name bound anywhere else (a
//! second time, in a loop, a branch, a `with`, by an import) stands for nothing here. Pure. Must
//! not import the file system.

use crate::authoring::alembic::names::Scope;
use crate::authoring::alembic::python::{Function, Kind, Script, Statement, Value};

/// What a name assigned once in a function stands for.
#[derive(Debug, Clone, PartialEq)]
enum Meaning {
    /// A string or number literal.
    Literal(Value),
    /// `op.get_bind()`: the connection.
    Bind,
    /// `op.get_context()`: the migration context.
    Context,
    /// The dialect's name (`bind.dialect.name`).
    DialectName,
    /// An enum type made of literals (`sa.Enum("a", name="e")`), which the function does
    /// nothing to but use it, create it and drop it.
    Enum(Value),
    /// A table made of literals (`sa.table("t", sa.column("a"))`), which the function does
    /// nothing to but use it.
    Table(Value),
}

/// The names of one function whose value is certain, and which of them hold yet.
#[derive(Debug, Clone, Default)]
pub(crate) struct Locals {
    /// Assigned once, by a statement of the function's own body: known from that statement on.
    own: Vec<(String, Meaning, usize)>,
    /// Known from the start: module constants, and own names once their statement has run.
    known: Vec<(String, Meaning)>,
}

impl Locals {
    /// The names of `function` (of `script`, whose names `scope` resolves) that are certain.
    pub(crate) fn new(script: &Script, function: &Function, scope: &Scope) -> Locals {
        let mut bound = Vec::new();
        let hidden = script.hidden_bindings || bindings(&function.body, &mut bound);
        let once = |name: &str| bound.iter().filter(|b| *b == name).count() == 1;
        let mut locals = Locals::default();
        if hidden {
            return locals;
        }
        for (index, statement) in function.body.iter().enumerate() {
            if let Kind::Assign {
                targets,
                value: Some(value),
            } = &statement.kind
                && let [Value::Name(name)] = targets.as_slice()
                && !name.contains('.')
                && once(name)
                && let Some(meaning) = meaning(value, scope, &locals)
                && !(matches!(meaning, Meaning::Enum(_) | Meaning::Table(_))
                    && touched(name, &function.body))
            {
                locals.own.push((name.clone(), meaning, index));
            }
        }
        for (name, value) in &script.assignments {
            let assigned = script.assignments.iter().filter(|(n, _)| n == name).count();
            let elsewhere = script.bound.iter().filter(|n| *n == name).count();
            let imported = script.imports.iter().any(|i| i.alias == *name);
            if assigned == 1
                && elsewhere == 1
                && !imported
                && !bound.contains(name)
                && matches!(value, Value::Str(_) | Value::Num(_))
            {
                locals
                    .known
                    .push((name.clone(), Meaning::Literal(value.clone())));
            }
        }
        locals
    }

    /// Whether the statement at `index` of the function's body is an assignment this reading
    /// understood (it runs nothing); its name is known from now on.
    pub(crate) fn assigns(&mut self, index: usize) -> bool {
        match self.own.iter().position(|(_, _, at)| *at == index) {
            Some(at) => {
                let (name, meaning, _) = self.own.remove(at);
                self.known.push((name, meaning));
                true
            }
            None => false,
        }
    }

    /// `value` with every known literal name replaced by its literal.
    pub(crate) fn resolve(&self, value: &Value) -> Value {
        let all = |items: &[Value]| items.iter().map(|v| self.resolve(v)).collect();
        let keyed = |items: &[(String, Value)]| {
            items
                .iter()
                .map(|(k, v)| (k.clone(), self.resolve(v)))
                .collect()
        };
        match value {
            Value::Name(name) => match self.meaning(name) {
                Some(
                    Meaning::Literal(literal) | Meaning::Enum(literal) | Meaning::Table(literal),
                ) => literal.clone(),
                _ => value.clone(),
            },
            Value::Call { func, args, kwargs } => Value::Call {
                func: func.clone(),
                args: all(args),
                kwargs: keyed(kwargs),
            },
            Value::Method {
                on,
                name,
                args,
                kwargs,
            } => Value::Method {
                on: Box::new(self.resolve(on)),
                name: name.clone(),
                args: all(args),
                kwargs: keyed(kwargs),
            },
            Value::Attribute { on, name } => Value::Attribute {
                on: Box::new(self.resolve(on)),
                name: name.clone(),
            },
            Value::Subscript { on, index } => Value::Subscript {
                on: Box::new(self.resolve(on)),
                index: Box::new(self.resolve(index)),
            },
            Value::Compare { left, ops } => Value::Compare {
                left: Box::new(self.resolve(left)),
                ops: keyed(ops),
            },
            Value::Seq(items) => Value::Seq(all(items)),
            Value::Dict(items) => Value::Dict(
                items
                    .iter()
                    .map(|(k, v)| (k.as_ref().map(|k| self.resolve(k)), self.resolve(v)))
                    .collect(),
            ),
            Value::Str(_) | Value::Num(_) | Value::Other(_) => value.clone(),
        }
    }

    /// Whether `name` is known to hold the connection `op.get_bind()` returned.
    pub(crate) fn is_bind(&self, name: &str) -> bool {
        self.meaning(name) == Some(&Meaning::Bind)
    }

    /// Whether `name` is known to hold the migration context or the connection (both have the
    /// dialect).
    pub(crate) fn has_dialect(&self, name: &str) -> bool {
        matches!(self.meaning(name), Some(Meaning::Bind | Meaning::Context))
    }

    /// The enum type `name` is known to hold, as written.
    pub(crate) fn enum_type(&self, name: &str) -> Option<&Value> {
        match self.meaning(name) {
            Some(Meaning::Enum(value)) => Some(value),
            _ => None,
        }
    }

    /// The table `name` is known to hold (`sa.table(...)`), as written.
    pub(crate) fn table(&self, name: &str) -> Option<&Value> {
        match self.meaning(name) {
            Some(Meaning::Table(value)) => Some(value),
            _ => None,
        }
    }

    /// Whether `name` is known to hold the dialect's name.
    pub(crate) fn is_dialect_name(&self, name: &str) -> bool {
        self.meaning(name) == Some(&Meaning::DialectName)
    }

    fn meaning(&self, name: &str) -> Option<&Meaning> {
        self.known
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m)
    }
}

/// What an assigned value makes of its name, if it is certain; `before` has the names assigned
/// before it.
fn meaning(value: &Value, scope: &Scope, before: &Locals) -> Option<Meaning> {
    let mut earlier = before.clone();
    earlier
        .known
        .extend(before.own.iter().map(|(n, m, _)| (n.clone(), m.clone())));
    if is_dialect_name(value, scope, &earlier) {
        return Some(Meaning::DialectName);
    }
    match value {
        Value::Str(_) | Value::Num(_) => Some(Meaning::Literal(value.clone())),
        Value::Call { func, args, kwargs }
            if matches!(
                scope.sqlalchemy(func).map(|(_, name)| name).as_deref(),
                Some("Enum" | "ENUM")
            ) && args.iter().all(|a| matches!(a, Value::Str(_)))
                && kwargs.iter().all(|(_, v)| {
                    matches!(v, Value::Str(_)) || v.is("True") || v.is("False") || v.is("None")
                }) =>
        {
            Some(Meaning::Enum(value.clone()))
        }
        Value::Call { .. } if super::described::Table::read(value, scope).is_some() => {
            Some(Meaning::Table(value.clone()))
        }
        Value::Call { func, args, kwargs } if args.is_empty() && kwargs.is_empty() => {
            match scope.op(func).as_deref() {
                Some("get_bind") => Some(Meaning::Bind),
                Some("get_context") => Some(Meaning::Context),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Every name `body` binds, at any depth, into `bound`; whether it may bind others out of sight
/// (a statement this reading does not look into).
fn bindings(body: &[Statement], bound: &mut Vec<String>) -> bool {
    let mut hidden = false;
    for statement in body {
        match &statement.kind {
            Kind::Assign { targets, .. } => targets.iter().for_each(|t| names(t, bound)),
            Kind::Import(imports) => bound.extend(imports.iter().map(|i| i.alias.clone())),
            Kind::If { body, orelse, .. } => {
                hidden |= bindings(body, bound) | bindings(orelse, bound);
            }
            Kind::With { items, body } => {
                items
                    .iter()
                    .filter_map(|(_, name)| name.as_ref())
                    .for_each(|t| names(t, bound));
                hidden |= bindings(body, bound);
            }
            Kind::For { target, body, .. } => {
                names(target, bound);
                hidden |= bindings(body, bound);
            }
            Kind::Expr(_) | Kind::Pass => {}
            // These bind nothing.
            Kind::Other(what) if BIND_NOTHING.contains(&what.as_str()) => {}
            Kind::Other(_) | Kind::TooLong(_) => hidden = true,
        }
    }
    hidden
}

/// Whether a statement of `body`, at any depth, may change the object `name` holds: a call of
/// one of its methods other than `create` and `drop`, or an assignment to an attribute or an item
/// of it.
fn touched(name: &str, body: &[Statement]) -> bool {
    let prefix = format!("{name}.");
    let changed = |target: &Value| match target {
        Value::Name(dotted) => dotted.starts_with(&prefix),
        Value::Subscript { on, .. } | Value::Attribute { on, .. } => {
            matches!(&**on, Value::Name(n) if n == name || n.starts_with(&prefix))
        }
        _ => false,
    };
    body.iter().any(|statement| match &statement.kind {
        Kind::Assign { targets, .. } => targets.iter().any(changed),
        Kind::Expr(Value::Call { func, .. }) => func
            .strip_prefix(&prefix)
            .is_some_and(|method| !matches!(method, "create" | "drop")),
        // `t.append_column(...)` inside another call, `op.execute(t.update()...)` aside.
        Kind::Expr(value) => mutating_call(value, &prefix),
        Kind::If { body, orelse, .. } => touched(name, body) || touched(name, orelse),
        Kind::With { body, .. } | Kind::For { body, .. } => touched(name, body),
        _ => false,
    })
}

/// Whether `value` holds a call of a method of the object (`prefix` is its name and a dot) that
/// may change it: any but the statements a table makes.
fn mutating_call(value: &Value, prefix: &str) -> bool {
    match value {
        Value::Call { func, args, kwargs } => {
            func.strip_prefix(prefix).is_some_and(|method| {
                !matches!(method, "update" | "delete" | "insert" | "create" | "drop")
            }) || args
                .iter()
                .chain(kwargs.iter().map(|(_, v)| v))
                .any(|v| mutating_call(v, prefix))
        }
        Value::Method {
            on, args, kwargs, ..
        } => {
            mutating_call(on, prefix)
                || args
                    .iter()
                    .chain(kwargs.iter().map(|(_, v)| v))
                    .any(|v| mutating_call(v, prefix))
        }
        Value::Seq(items) => items.iter().any(|v| mutating_call(v, prefix)),
        _ => false,
    }
}

/// The statements the lowering says in words that bind no name.
const BIND_NOTHING: &[&str] = &[
    "a `return`",
    "a `raise`",
    "an `assert`",
    "a `break` or `continue`",
];

/// The plain names an assignment target binds.
fn names(target: &Value, bound: &mut Vec<String>) {
    match target {
        Value::Name(name) if !name.contains('.') => bound.push(name.clone()),
        Value::Seq(items) => items.iter().for_each(|t| names(t, bound)),
        _ => {}
    }
}

/// Whether `value` is the dialect's name, as the script reaches it: through the bind or the
/// context (`.dialect.name`), the bind's engine (`.engine.name`, `.engine.dialect.name`), or a
/// name holding one of them or the name itself.
pub(super) fn is_dialect_name(value: &Value, scope: &Scope, locals: &Locals) -> bool {
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
