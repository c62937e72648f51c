//! The part of a Python module the importer reads, as plain owned data: values (literals, dotted
//! names, calls, and the shapes around them), statements with their line and source text, the
//! imports, the classes and the two functions. Independent of the parser that builds it. Pure.
//! Must not import the parser.

/// A value written in the script.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A string literal (adjacent literals joined). An f-string is [`Value::Other`].
    Str(String),
    /// A number, as written (`-1` for a negated literal).
    Num(String),
    /// A dotted name as written: `sa.Integer`, `op`, and the constants `None`, `True`, `False`.
    Name(String),
    /// `func(args, key=value)`, where `func` is a dotted name as written.
    Call {
        /// The dotted name called, as written (resolve it through the script's imports).
        func: String,
        /// Positional arguments.
        args: Vec<Value>,
        /// Keyword arguments, in order; `**mapping` has the key `**`.
        kwargs: Vec<(String, Value)>,
    },
    /// A call of something that is not a dotted name: `op.get_context().autocommit_block()`,
    /// `t.update().where(...)`.
    Method {
        /// What the method belongs to.
        on: Box<Value>,
        /// The method's name.
        name: String,
        /// Positional arguments.
        args: Vec<Value>,
        /// Keyword arguments, in order.
        kwargs: Vec<(String, Value)>,
    },
    /// An attribute of something that is not a dotted name: `op.get_context().dialect`.
    Attribute {
        /// What the attribute belongs to.
        on: Box<Value>,
        /// Its name.
        name: String,
    },
    /// `value[index]`.
    Subscript {
        /// What is indexed.
        on: Box<Value>,
        /// The index.
        index: Box<Value>,
    },
    /// A comparison: `left == right`, `a in (b, c)`, chained as Python chains them.
    Compare {
        /// The first operand.
        left: Box<Value>,
        /// Each operator (`==`, `!=`, `<`, `in`, `not in`, `is`, `is not`, ...) and its operand.
        ops: Vec<(String, Value)>,
    },
    /// A tuple or a list.
    Seq(Vec<Value>),
    /// A dict display; `**mapping` inside it has the key `None`.
    Dict(Vec<(Option<Value>, Value)>),
    /// Anything else, said in words: "an f-string", "a binary expression", "a lambda".
    Other(String),
}

impl Value {
    /// The keyword argument `key`.
    pub(crate) fn kwarg<'a>(kwargs: &'a [(String, Value)], key: &str) -> Option<&'a Value> {
        kwargs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The string it holds, if it is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether it is the constant `name` (`True`, `False`, `None`).
    pub(crate) fn is(&self, name: &str) -> bool {
        matches!(self, Value::Name(n) if n == name)
    }

    /// The first thing in it that is not a plain value (a literal, a name, a call, a sequence
    /// or a dict of them), said in words.
    pub(crate) fn unreadable(&self) -> Option<&str> {
        match self {
            Value::Other(what) => Some(what),
            Value::Call { args, kwargs, .. } => args
                .iter()
                .chain(kwargs.iter().map(|(_, v)| v))
                .find_map(Value::unreadable),
            Value::Seq(items) => items.iter().find_map(Value::unreadable),
            Value::Dict(items) => items
                .iter()
                .find_map(|(k, v)| k.as_ref().and_then(Value::unreadable).or(v.unreadable())),
            _ => None,
        }
    }
}

/// One statement, with where it is and how it was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statement {
    /// The 1-based line it starts on in the script.
    pub line: usize,
    /// Its source text, as written; lines after the first lose the statement's own indentation.
    pub source: String,
    /// What it is.
    pub kind: Kind,
}

/// The kinds of statement the importer tells apart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// An expression on its own, usually a call: `op.create_table(...)`.
    Expr(Value),
    /// `a = b = value` or `a: T = value`.
    Assign {
        /// The targets, left to right.
        targets: Vec<Value>,
        /// The value (`None` for a bare annotation).
        value: Option<Value>,
    },
    /// `if test: body` with its `elif`s as an `If` alone in `orelse`.
    If {
        /// The condition.
        test: Value,
        /// What runs when it holds.
        body: Vec<Statement>,
        /// What runs otherwise.
        orelse: Vec<Statement>,
    },
    /// `with a as x, b: body`.
    With {
        /// Each context manager and the name it is bound to.
        items: Vec<(Value, Option<Value>)>,
        /// The body.
        body: Vec<Statement>,
    },
    /// `for target in iter: body` (an `else:` is kept in the source only).
    For {
        /// The loop variable(s).
        target: Value,
        /// What is iterated.
        iter: Value,
        /// The body.
        body: Vec<Statement>,
    },
    /// `import ...` or `from ... import ...`.
    Import(Vec<Import>),
    /// `pass`, `...` or a docstring: nothing to run.
    Pass,
    /// A statement the importer never reads (`try`, `return`, a nested `def`, ...), in words.
    Other(String),
    /// A statement left unread because it is too long to read safely, in words.
    TooLong(String),
}

/// One name an import binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Import {
    /// The name bound in the script (`sa` for `import sqlalchemy as sa`); `*` for a star import.
    pub alias: String,
    /// What it stands for, fully qualified (`sqlalchemy`, `sqlalchemy.dialects.postgresql`,
    /// `prefect.server.utilities.database.JSON`); a relative import starts with dots.
    pub target: String,
}

/// A function defined at the top of the script.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Function {
    /// The line of its `def` (or of its first decorator).
    pub line: usize,
    /// Its decorators, as written.
    pub decorators: Vec<Value>,
    /// Its body.
    pub body: Vec<Statement>,
    /// Its source text, as written.
    pub source: String,
}

/// A class defined at the top of the script: its bases and the literal values it assigns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Class {
    /// Its name.
    pub name: String,
    /// Its bases, as written (`enum.Enum`, `str`).
    pub bases: Vec<Value>,
    /// `NAME = value` in its body, in order.
    pub assignments: Vec<(String, Value)>,
    /// Whether that is all it says: no decorator, no keyword among its bases (`metaclass=`),
    /// and nothing in its body but those assignments, docstrings and `pass`.
    pub plain: bool,
}

/// A syntax error: where, and what the parser said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// Its 1-based line.
    pub line: usize,
    /// The parser's words.
    pub what: String,
}

/// What a script says.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Script {
    /// The module docstring.
    pub docstring: Option<String>,
    /// Top-level `name = value` assignments, in order.
    pub assignments: Vec<(String, Value)>,
    /// Every import at the top level, in order.
    pub imports: Vec<Import>,
    /// The classes at the top level.
    pub classes: Vec<Class>,
    /// `upgrade()`; `None` when there is no such function.
    pub upgrade: Option<Function>,
    /// `downgrade()`.
    pub downgrade: Option<Function>,
    /// Names bound at the top level by anything but an import (assignments, `def`, `class`).
    pub bound: Vec<String>,
    /// The syntax errors, first first: a script with any is not Python that Alembic could run.
    pub errors: Vec<SyntaxError>,
    /// Whether names may be bound where this reading does not look: a top-level statement other
    /// than an assignment, an import, a `def` or a `class` (an `if`, a `try`, a loop, ...), or a
    /// `global` or `:=` anywhere. Its top-level values are then not taken for constants.
    pub hidden_bindings: bool,
}

impl Script {
    /// The value assigned to `name` at the top level (the last assignment, as Python keeps).
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.assignments
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}
