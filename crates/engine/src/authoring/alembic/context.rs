//! What converting one statement needs to know besides the statement: the database, what the
//! script's names stand for, the project's types and the naming convention; and the small
//! readers every conversion shares (a string argument, a name, a flag). Pure. Must not import
//! the file system.

use std::cell::RefCell;

use aurora_migrate_core::Database;

use super::names::Scope;
use super::naming::{Convention, Given};
use super::python::{Class, Value};
use super::report::{Reason, Todo};
use super::typemap::TypeMap;

/// Everything a conversion reads besides the statement.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ctx<'a> {
    /// The database the SQL is for.
    pub database: Database,
    /// What the function's names stand for.
    pub scope: &'a Scope,
    /// The project's types.
    pub types: &'a TypeMap,
    /// The naming convention.
    pub naming: &'a Convention,
    /// The classes the script defines (its `enum.Enum`s).
    pub classes: &'a [Class],
    /// The enum types `op.create_table` created so far in this section: Alembic's DDL runner
    /// remembers them, and SQLAlchemy creates a named type once per run.
    pub created: &'a RefCell<Vec<String>>,
}

impl Ctx<'_> {
    /// SQLAlchemy's name `dotted` stands for (without its modules), if it is SQLAlchemy's.
    pub(super) fn sa(&self, dotted: &str) -> Option<String> {
        self.scope.sqlalchemy(dotted).map(|(_, name)| name)
    }

    /// Whether `value` is a call of SQLAlchemy's `name`.
    pub(super) fn is_call(&self, value: &Value, name: &str) -> bool {
        matches!(value, Value::Call { func, .. } if self.sa(func).as_deref() == Some(name))
    }

    /// A name as the script gives it: a string, `op.f("...")` or `None`.
    pub(super) fn given(&self, value: Option<&Value>, what: &str) -> Result<Given, Todo> {
        match value {
            None => Ok(Given::None),
            Some(v) if v.is("None") => Ok(Given::None),
            Some(Value::Str(name)) => Ok(Given::Plain(name.clone())),
            Some(Value::Call { func, args, kwargs })
                if self.scope.op(func).as_deref() == Some("f") && kwargs.is_empty() =>
            {
                match args.as_slice() {
                    [Value::Str(name)] => Ok(Given::Final(name.clone())),
                    _ => Err(computed(format!(
                        "{what} is `op.f` of something other than a string"
                    ))),
                }
            }
            Some(_) => Err(computed(format!("{what} is not a string literal"))),
        }
    }
}

/// A statement left to do because an argument is computed.
pub(super) fn computed(what: impl Into<String>) -> Todo {
    Todo::new(Reason::ComputedArgument, what)
}

/// A statement left to do because of an option or argument not converted.
pub(super) fn option(what: impl Into<String>) -> Todo {
    Todo::new(Reason::OptionNotConverted, what)
}

/// A statement left to do because the database cannot do it in one statement.
pub(super) fn limit(what: impl Into<String>) -> Todo {
    Todo::new(Reason::DialectLimit, what)
}

/// A name as SQLAlchemy's identifier preparer writes it for the database: bare when it is
/// lowercase letters, digits, `_` and `$`, not starting with a digit or `$`, and not a word the
/// dialect reserves; else quoted in the database's own way.
pub(super) fn ident(database: Database, name: &str) -> String {
    let reserved = match database {
        Database::Postgres => super::reserved::POSTGRESQL,
        Database::Mysql => super::reserved::MYSQL,
        Database::Sqlite => super::reserved::SQLITE,
    };
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| !(c.is_ascii_digit() || c == '$'))
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && reserved.binary_search(&name).is_err();
    match (plain, database) {
        (true, _) => name.to_string(),
        (false, Database::Mysql) => format!("`{}`", name.replace('`', "``")),
        (false, _) => crate::sql::quote(name),
    }
}

/// A string literal as SQLAlchemy renders it for the database: quotes doubled, and on MySQL
/// backslashes too (MySQL reads them as escapes).
pub(super) fn literal(database: Database, text: &str) -> String {
    match database {
        Database::Mysql => crate::sql::literal(&text.replace('\\', "\\\\")),
        _ => crate::sql::literal(text),
    }
}

/// A list of column names as written (`["a", "b"]` or `"a"`).
pub(super) fn column_names(value: &Value) -> Result<Vec<String>, Todo> {
    match value {
        Value::Seq(items) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| option("a column that is not a name (an expression)"))
            })
            .collect(),
        Value::Str(one) => Ok(vec![one.clone()]),
        _ => Err(computed("columns that are not a list of names")),
    }
}

/// Column names, quoted and joined.
pub(super) fn joined(database: Database, names: &[String]) -> String {
    names
        .iter()
        .map(|n| ident(database, n))
        .collect::<Vec<_>>()
        .join(", ")
}
