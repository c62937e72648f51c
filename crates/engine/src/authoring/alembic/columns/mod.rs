//! SQLAlchemy's columns inside `op.create_table` and `op.add_column`: what a `sa.Column(...)`
//! says ([`column`]), written as one database's DDL compiler writes it ([`spec`]), and the
//! table around them with its constraints, indexes and comments ([`table`]). Pure. Must not
//! import the file system.

mod constraints;
mod spec;
mod table;

pub(super) use constraints::{actions, named};
pub(super) use spec::server_default as default;
pub(super) use table::{add_column, create_table};

use super::context::{Ctx, computed, option};
use super::naming::Given;
use super::python::Value;
use super::report::Todo;
use super::types::{Type, column_type};

/// `autoincrement=` of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Increment {
    /// `"auto"`, the default: SQLAlchemy decides.
    Decide,
    /// `"ignore_fk"`: as `"auto"`, a foreign key notwithstanding.
    IgnoreFk,
    /// `True`.
    Yes,
    /// `False`.
    No,
}

/// A column as `sa.Column(...)` gives it.
pub(super) struct Column {
    pub(super) name: String,
    pub(super) kind: Type,
    /// `nullable=` as given; SQLAlchemy's default depends on the table (a primary key column
    /// is NOT NULL) and on an identity.
    pub(super) nullable: Option<bool>,
    /// `server_default=`, as the database's SQL.
    pub(super) default: Option<String>,
    /// `default=`: no DDL, but it stops SQLAlchemy making the column autoincrement.
    pub(super) client_default: bool,
    pub(super) primary: bool,
    pub(super) unique: bool,
    pub(super) index: bool,
    pub(super) autoincrement: Increment,
    /// `sa.Identity(...)` as PostgreSQL writes it.
    pub(super) identity: Option<String>,
    pub(super) comment: Option<String>,
    /// Its inline `sa.ForeignKey(...)`s, in order.
    pub(super) references: Vec<Reference>,
}

/// An inline `sa.ForeignKey("table.column", name=..., ondelete=..., onupdate=...)`.
pub(super) struct Reference {
    pub(super) name: Given,
    pub(super) table: String,
    pub(super) column: String,
    /// ` ON DELETE ...` and ` ON UPDATE ...`.
    pub(super) actions: String,
    /// `use_alter=True`: left out of CREATE TABLE except on SQLite.
    pub(super) use_alter: bool,
}

impl Column {
    /// Whether it is NOT NULL in a table whose primary key holds it or not (`primary`).
    pub(super) fn not_null(&self, primary: bool) -> bool {
        !self
            .nullable
            .unwrap_or(!(primary || self.identity.is_some()))
    }
}

/// Keyword arguments of `sa.Column` read here; `default`, `onupdate`, `doc` and `info` make no
/// DDL.
const KNOWN: &[&str] = &[
    "nullable",
    "server_default",
    "primary_key",
    "unique",
    "index",
    "autoincrement",
    "comment",
    "default",
    "onupdate",
    "doc",
    "info",
];

/// `sa.Column(name, type, [sa.Identity(...)], nullable=..., server_default=..., ...)`.
pub(super) fn column(value: &Value, ctx: &Ctx) -> Result<Column, Todo> {
    let Value::Call { func, args, kwargs } = value else {
        return Err(computed("a column that is not `sa.Column(...)`"));
    };
    if ctx.sa(func).as_deref() != Some("Column") {
        return Err(option(format!("a column written as `{func}`")));
    }
    let name = args
        .first()
        .and_then(Value::as_str)
        .ok_or_else(|| computed("a column without a literal name"))?;
    let mut identity = None;
    let mut references = Vec::new();
    for extra in args.iter().skip(2) {
        match extra {
            Value::Call { func, kwargs, .. } if ctx.sa(func).as_deref() == Some("Identity") => {
                identity = Some(spec::identity(kwargs)?);
            }
            Value::Call { func, args, kwargs } if ctx.sa(func).as_deref() == Some("ForeignKey") => {
                references.push(reference(args, kwargs, ctx)?);
            }
            _ => {
                return Err(option(format!(
                    "column `{name}` with an argument other than a type, `sa.Identity` or `sa.ForeignKey`"
                )));
            }
        }
    }
    if let Some((key, _)) = kwargs.iter().find(|(k, _)| !KNOWN.contains(&k.as_str())) {
        return Err(option(format!("a column with `{key}=`")));
    }
    let kind = column_type(
        args.get(1)
            .ok_or_else(|| option("a column without a type"))?,
        ctx,
    )?;
    let flag = |key: &str| -> Result<bool, Todo> {
        match Value::kwarg(kwargs, key) {
            None => Ok(false),
            Some(v) if v.is("True") => Ok(true),
            Some(v) if v.is("False") || v.is("None") => Ok(false),
            Some(_) => Err(computed(format!("`{key}=` that is not True or False"))),
        }
    };
    let nullable = match Value::kwarg(kwargs, "nullable") {
        Some(v) if v.is("False") => Some(false),
        Some(v) if v.is("True") => Some(true),
        Some(_) => return Err(computed("`nullable=` that is not True or False")),
        None => None,
    };
    let autoincrement = match Value::kwarg(kwargs, "autoincrement") {
        None => Increment::Decide,
        Some(v) if v.is("True") => Increment::Yes,
        Some(v) if v.is("False") => Increment::No,
        Some(Value::Str(s)) if s == "auto" => Increment::Decide,
        Some(Value::Str(s)) if s == "ignore_fk" => Increment::IgnoreFk,
        Some(_) => {
            return Err(option(
                "`autoincrement=` other than True, False or \"auto\"",
            ));
        }
    };
    let comment = match Value::kwarg(kwargs, "comment") {
        None => None,
        Some(v) if v.is("None") => None,
        Some(Value::Str(text)) => Some(text.clone()),
        Some(_) => return Err(computed("`comment=` that is not a string literal")),
    };
    let default = match Value::kwarg(kwargs, "server_default") {
        None => None,
        Some(v) if v.is("None") => None,
        Some(value) => Some(spec::server_default(value, ctx)?),
    };
    Ok(Column {
        name: name.to_string(),
        kind,
        nullable,
        default,
        client_default: Value::kwarg(kwargs, "default").is_some_and(|v| !v.is("None")),
        primary: flag("primary_key")?,
        unique: flag("unique")?,
        index: flag("index")?,
        autoincrement,
        identity,
        comment,
        references,
    })
}

/// `sa.ForeignKey("table.column", name=..., ondelete=..., onupdate=..., use_alter=...)`.
fn reference(args: &[Value], kwargs: &[(String, Value)], ctx: &Ctx) -> Result<Reference, Todo> {
    const READ: &[&str] = &["column", "name", "ondelete", "onupdate", "use_alter"];
    if let Some((key, _)) = kwargs.iter().find(|(k, _)| !READ.contains(&k.as_str())) {
        return Err(option(format!("`sa.ForeignKey` with `{key}=`")));
    }
    let target = match (args, Value::kwarg(kwargs, "column")) {
        ([Value::Str(target)], None) | ([], Some(Value::Str(target))) => target,
        _ => {
            return Err(computed(
                "`sa.ForeignKey` of something other than \"table.column\"",
            ));
        }
    };
    let (table, column) = target
        .split_once('.')
        .filter(|(t, c)| !t.is_empty() && !c.is_empty() && !c.contains('.'))
        .ok_or_else(|| option(format!("`sa.ForeignKey({target:?})`, not \"table.column\"")))?;
    let use_alter = match Value::kwarg(kwargs, "use_alter") {
        None => false,
        Some(v) if v.is("True") => true,
        Some(v) if v.is("False") || v.is("None") => false,
        Some(_) => return Err(computed("`use_alter=` that is not True or False")),
    };
    Ok(Reference {
        name: ctx.given(Value::kwarg(kwargs, "name"), "`name=`")?,
        table: table.to_string(),
        column: column.to_string(),
        actions: constraints::actions(kwargs)?,
        use_alter,
    })
}

#[cfg(test)]
mod tests;
