//! SQLAlchemy's columns, defaults and table constraints inside `op.create_table` and
//! `op.add_column`, as one database writes them, with the names SQLAlchemy gives constraints.
//! Pure. Must not import the file system.

use super::context::{Ctx, column_names, computed, ident, joined, option};
use super::naming::{Given, Object, Subject};
use super::python::Value;
use super::report::Todo;
use super::types::{enum_types, sql_type};

/// A column: its SQL (without a primary key, which the table says), and whether it is part
/// of the primary key and unique.
pub(super) struct Column {
    pub(super) name: String,
    pub(super) sql: String,
    pub(super) primary: bool,
    pub(super) unique: bool,
}

/// `sa.Column(name, type, nullable=..., server_default=..., primary_key=..., unique=...)`.
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
    if args.len() > 2 {
        return Err(option(format!(
            "column `{name}` with a foreign key or more: write it by hand"
        )));
    }
    for (key, _) in kwargs {
        // `comment` and `index` are not converted yet, and `autoincrement` changes what
        // SQLAlchemy emits: each says so.
        if !["nullable", "server_default", "primary_key", "unique"].contains(&key.as_str()) {
            return Err(option(format!("a column with `{key}=`")));
        }
    }
    let database = ctx.database;
    let kind = sql_type(
        args.get(1)
            .ok_or_else(|| option("a column without a type"))?,
        ctx,
    )?;
    let mut sql = format!("{} {kind}", ident(database, name));
    let flag = |key: &str| Value::kwarg(kwargs, key).is_some_and(|v| v.is("True"));
    let primary = flag("primary_key");
    let nullable = match Value::kwarg(kwargs, "nullable") {
        Some(v) if v.is("False") => false,
        Some(v) if v.is("True") => true,
        Some(_) => return Err(computed("`nullable=` that is not True or False")),
        None => !primary,
    };
    if !nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(value) = Value::kwarg(kwargs, "server_default") {
        sql.push_str(&format!(" DEFAULT {}", default(value, ctx)?));
    }
    Ok(Column {
        name: name.to_string(),
        sql,
        primary,
        unique: flag("unique"),
    })
}

/// A `server_default`: a string is a literal, `sa.text(...)` is SQL.
pub(super) fn default(value: &Value, ctx: &Ctx) -> Result<String, Todo> {
    match value {
        Value::Str(text) => Ok(crate::sql::literal(text)),
        Value::Call { func, args, .. } if ctx.sa(func).as_deref() == Some("text") => Ok(args
            .first()
            .and_then(Value::as_str)
            .ok_or_else(|| computed("`sa.text` of something other than a string literal"))?
            .to_string()),
        Value::Call { func, args, .. }
            if ctx.sa(func).as_deref() == Some("func.now") && args.is_empty() =>
        {
            Ok("CURRENT_TIMESTAMP".to_string())
        }
        Value::Other(what) => Err(computed(format!("a server default written as {what}"))),
        _ => Err(option(
            "a server default that is not a string, `sa.text` or `sa.func.now()`",
        )),
    }
}

/// `op.create_table(name, *columns_and_constraints)`: its enum types first (PostgreSQL), then
/// the table, its primary key and constraints named as SQLAlchemy names them.
pub(super) fn create_table(table: &str, items: &[Value], ctx: &Ctx) -> Result<Vec<String>, Todo> {
    let database = ctx.database;
    let mut statements = enum_types(items, ctx);
    let (mut parts, mut constraints, mut uniques) = (Vec::new(), Vec::new(), Vec::new());
    let mut primary = Vec::new();
    for item in items {
        if ctx.is_call(item, "Column") {
            let column = column(item, ctx)?;
            parts.push(column.sql);
            if column.primary {
                primary.push(column.name.clone());
            }
            if column.unique {
                let columns = [column.name.clone()];
                // SQLAlchemy writes a column's own unique constraint after the table's.
                uniques.push(
                    named(ctx, Given::None, Object::Unique, table, &columns, None)?
                        + &format!("UNIQUE ({})", joined(database, &columns)),
                );
            }
        } else {
            let sql = table_constraint(item, table, ctx, &mut primary)?;
            if !sql.is_empty() {
                constraints.push(sql);
            }
        }
    }
    if !primary.is_empty() {
        let given = pk_name(items, ctx)?;
        let name = named(ctx, given, Object::PrimaryKey, table, &primary, None)?;
        constraints.insert(
            0,
            format!("{name}PRIMARY KEY ({})", joined(database, &primary)),
        );
    }
    parts.extend(constraints);
    parts.extend(uniques);
    statements.push(format!(
        "CREATE TABLE {} (\n    {}\n)",
        ident(database, table),
        parts.join(",\n    ")
    ));
    Ok(statements)
}

/// The `name=` of the table's explicit `PrimaryKeyConstraint`, if it has one.
fn pk_name(items: &[Value], ctx: &Ctx) -> Result<Given, Todo> {
    match items
        .iter()
        .find(|i| ctx.is_call(i, "PrimaryKeyConstraint"))
    {
        Some(Value::Call { kwargs, .. }) => ctx.given(Value::kwarg(kwargs, "name"), "`name=`"),
        _ => Ok(Given::None),
    }
}

/// `CONSTRAINT name ` as SQLAlchemy names the constraint, or nothing when it stays unnamed.
pub(super) fn named(
    ctx: &Ctx,
    given: Given,
    object: Object,
    table: &str,
    columns: &[String],
    referred: Option<(&str, &[String])>,
) -> Result<String, Todo> {
    let subject = Subject {
        object,
        table,
        columns,
        referred_table: referred.map(|(t, _)| t),
        referred_columns: referred.map_or(&[], |(_, c)| c),
    };
    Ok(match ctx.naming.name(&given, &subject, ctx.database)? {
        Some(name) => format!("CONSTRAINT {} ", ident(ctx.database, &name)),
        None => String::new(),
    })
}

/// A table-level constraint inside `op.create_table`; a primary key adds its columns to
/// `primary` (SQLAlchemy writes one primary key for the table) and writes nothing itself.
fn table_constraint(
    value: &Value,
    table: &str,
    ctx: &Ctx,
    primary: &mut Vec<String>,
) -> Result<String, Todo> {
    let Value::Call { func, args, kwargs } = value else {
        return Err(computed("a table argument that is not a call"));
    };
    if ctx.sa(func).is_none() {
        return Err(option(format!(
            "`{func}` is not SQLAlchemy's (not imported from it)"
        )));
    }
    let database = ctx.database;
    let strings = |values: &[Value]| -> Result<Vec<String>, Todo> {
        values
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| computed("a constraint column that is not a string"))
            })
            .collect()
    };
    for (key, _) in kwargs {
        if !["name", "ondelete", "onupdate"].contains(&key.as_str()) {
            return Err(option(format!("`{func}` with `{key}=`")));
        }
    }
    let given = ctx.given(Value::kwarg(kwargs, "name"), "`name=`")?;
    match ctx.sa(func).as_deref() {
        Some("PrimaryKeyConstraint") => {
            for column in strings(args)? {
                if !primary.contains(&column) {
                    primary.push(column);
                }
            }
            Ok(String::new())
        }
        Some("UniqueConstraint") => {
            let columns = strings(args)?;
            let name = named(ctx, given, Object::Unique, table, &columns, None)?;
            Ok(format!("{name}UNIQUE ({})", joined(database, &columns)))
        }
        Some("CheckConstraint") => {
            let check = args
                .first()
                .and_then(Value::as_str)
                .ok_or_else(|| computed("a check that is not SQL text"))?;
            let name = named(ctx, given, Object::Check, table, &[], None)?;
            Ok(format!("{name}CHECK ({check})"))
        }
        Some("ForeignKeyConstraint") => {
            let local = column_names(
                args.first()
                    .ok_or_else(|| option("a foreign key without columns"))?,
            )?;
            let remote = match args.get(1) {
                Some(Value::Seq(items)) => strings(items)?,
                _ => return Err(option("a foreign key without referenced columns")),
            };
            let referred = remote
                .first()
                .and_then(|r| r.rsplit_once('.'))
                .map(|(t, _)| t.to_string())
                .filter(|t| !t.contains('.'))
                .ok_or_else(|| option("a referenced column that is not `table.column`"))?;
            let remote: Vec<String> = remote
                .iter()
                .map(|r| r.rsplit('.').next().unwrap_or(r).to_string())
                .collect();
            let name = named(
                ctx,
                given,
                Object::ForeignKey,
                table,
                &local,
                Some((&referred, &remote)),
            )?;
            let mut sql = format!(
                "{name}FOREIGN KEY ({}) REFERENCES {} ({})",
                joined(database, &local),
                ident(database, &referred),
                joined(database, &remote)
            );
            sql.push_str(&actions(kwargs)?);
            Ok(sql)
        }
        _ => Err(option(format!("a table argument `{func}`"))),
    }
}

/// ` ON DELETE ...` and ` ON UPDATE ...` of a foreign key.
pub(super) fn actions(kwargs: &[(String, Value)]) -> Result<String, Todo> {
    let mut sql = String::new();
    for (key, clause) in [("ondelete", "ON DELETE"), ("onupdate", "ON UPDATE")] {
        match Value::kwarg(kwargs, key) {
            Some(Value::Str(action)) => {
                sql.push_str(&format!(" {clause} {}", action.to_uppercase()))
            }
            Some(v) if v.is("None") => {}
            Some(_) => return Err(computed(format!("`{key}=` that is not a string"))),
            None => {}
        }
    }
    Ok(sql)
}
