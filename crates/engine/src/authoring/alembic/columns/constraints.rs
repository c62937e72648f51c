//! The constraints written inside `op.create_table` (primary, unique, check, foreign keys) and
//! the names SQLAlchemy gives constraints, through the naming convention. Pure. Must not import
//! the file system.

use aurora_migrate_core::Database;

use crate::authoring::alembic::context::{Ctx, column_names, computed, ident, joined, option};
use crate::authoring::alembic::naming::{Given, Object, Subject};
use crate::authoring::alembic::python::Value;
use crate::authoring::alembic::report::Todo;

/// The `name=` of the table's explicit `PrimaryKeyConstraint`, if it has one.
pub(super) fn pk_name(items: &[Value], ctx: &Ctx) -> Result<Given, Todo> {
    match items
        .iter()
        .find(|i| ctx.is_call(i, "PrimaryKeyConstraint"))
    {
        Some(Value::Call { kwargs, .. }) => ctx.given(Value::kwarg(kwargs, "name"), "`name=`"),
        _ => Ok(Given::None),
    }
}

/// `CONSTRAINT name ` as SQLAlchemy names the constraint, or nothing when it stays unnamed.
pub(in crate::authoring::alembic) fn named(
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

/// A table-level constraint inside `op.create_table`, or `None` for a primary key, which adds
/// its columns to `primary` (SQLAlchemy writes one primary key for the table); a foreign key
/// adds its local columns to `foreign`.
pub(super) fn table_constraint(
    value: &Value,
    table: &str,
    ctx: &Ctx,
    primary: &mut Vec<String>,
    foreign: &mut Vec<String>,
) -> Result<Option<String>, Todo> {
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
        if !["name", "ondelete", "onupdate", "use_alter"].contains(&key.as_str()) {
            return Err(option(format!("`{func}` with `{key}=`")));
        }
    }
    let given = ctx.given(Value::kwarg(kwargs, "name"), "`name=`")?;
    Ok(Some(match ctx.sa(func).as_deref() {
        Some("PrimaryKeyConstraint") => {
            for column in strings(args)? {
                if !primary.contains(&column) {
                    primary.push(column);
                }
            }
            return Ok(None);
        }
        Some("UniqueConstraint") => {
            let columns = strings(args)?;
            let name = named(ctx, given, Object::Unique, table, &columns, None)?;
            format!("{name}UNIQUE ({})", joined(database, &columns))
        }
        Some("CheckConstraint") => {
            let check = args
                .first()
                .and_then(Value::as_str)
                .ok_or_else(|| computed("a check that is not SQL text"))?;
            let name = named(ctx, given, Object::Check, table, &[], None)?;
            format!("{name}CHECK ({check})")
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
            foreign.extend(local.iter().cloned());
            // SQLAlchemy leaves a `use_alter` foreign key out of CREATE TABLE (Alembic never
            // adds it after), except on SQLite, which cannot ALTER one in.
            match Value::kwarg(kwargs, "use_alter") {
                Some(v) if v.is("True") && database != Database::Sqlite => return Ok(None),
                Some(v) if v.is("True") || v.is("False") || v.is("None") => {}
                None => {}
                Some(_) => return Err(computed("`use_alter=` that is not True or False")),
            }
            format!(
                "{name}FOREIGN KEY({}) REFERENCES {} ({}){}",
                joined(database, &local),
                ident(database, &referred),
                joined(database, &remote),
                actions(kwargs)?
            )
        }
        _ => return Err(option(format!("a table argument `{func}`"))),
    }))
}

/// ` ON DELETE ...` and ` ON UPDATE ...` of a foreign key.
pub(in crate::authoring::alembic) fn actions(kwargs: &[(String, Value)]) -> Result<String, Todo> {
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
