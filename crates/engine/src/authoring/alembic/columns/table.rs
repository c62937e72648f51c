//! `op.create_table` and `op.add_column` as Alembic runs them through SQLAlchemy 2.1: enum
//! types first (PostgreSQL), the table with one primary key and its autoincrement column, the
//! constraints in SQLAlchemy's order with the names it gives them, then the indexes of
//! `index=True` columns and, on PostgreSQL, the comments. Pure. Must not import the file
//! system.

use aurora_migrate_core::Database;

use super::constraints::{named, pk_name, table_constraint};
use super::spec::{Role, render};
use super::{Column, Increment, Reference, column};
use crate::authoring::alembic::context::{Ctx, computed, ident, joined, limit, literal, option};
use crate::authoring::alembic::naming::{Given, Object, Subject};
use crate::authoring::alembic::python::Value;
use crate::authoring::alembic::report::{Reason, Todo};
use crate::authoring::alembic::types::Affinity;

/// Keyword arguments of `op.create_table` read here.
const TABLE_KNOWN: &[&str] = &[
    "schema",
    "comment",
    "sqlite_autoincrement",
    "if_not_exists",
    "info",
];

/// `op.create_table(name, *columns_and_constraints, **kw)`.
pub(in crate::authoring::alembic) fn create_table(
    table: &str,
    items: &[Value],
    kwargs: &[(String, Value)],
    ctx: &Ctx,
) -> Result<Vec<String>, Todo> {
    let database = ctx.database;
    if let Some((key, _)) = kwargs
        .iter()
        .find(|(k, _)| !TABLE_KNOWN.contains(&k.as_str()))
    {
        return Err(option(format!("`op.create_table` with `{key}=`")));
    }
    if Value::kwarg(kwargs, "if_not_exists").is_some_and(|v| !(v.is("False") || v.is("None"))) {
        return Err(option("`op.create_table` with `if_not_exists=`"));
    }
    let sqlite_autoincrement = flag(kwargs, "sqlite_autoincrement")?;
    let comment = text(kwargs, "comment")?;
    let (mut columns, mut constraints) = (Vec::new(), Vec::new());
    let (mut primary, mut foreign) = (Vec::new(), Vec::new());
    for item in items {
        if ctx.is_call(item, "Column") {
            let column = column(item, ctx)?;
            if column.primary && !primary.contains(&column.name) {
                primary.push(column.name.clone());
            }
            if !column.references.is_empty() {
                foreign.push(column.name.clone());
            }
            columns.push(column);
        } else if let Some(sql) = table_constraint(item, table, ctx, &mut primary, &mut foreign)? {
            constraints.push(sql);
        }
    }
    let automatic = autoincrement(&columns, &primary, &foreign, ctx)?;
    let inline = sqlite_autoincrement && database == Database::Sqlite && primary.len() == 1;
    let inline = inline && {
        let key = columns.iter().find(|c| c.name == primary[0]);
        match key.map(|c| c.kind.affinity) {
            Some(Affinity::Unknown) => {
                return Err(option(
                    "`sqlite_autoincrement=True` on a column of a type from the type map",
                ));
            }
            Some(Affinity::Other) | None => false,
            Some(_) => !foreign.contains(&primary[0]),
        }
    };
    let mut parts = Vec::new();
    let mut statements = Vec::new();
    for (at, column) in columns.iter().enumerate() {
        let in_key = primary.contains(&column.name);
        let role = Role {
            not_null: column.not_null(in_key),
            autoincrement: automatic == Some(at),
            inline_key: inline && in_key,
        };
        parts.push(render(column, role, ctx));
        // A named type once per section, as Alembic's DDL runner remembers it (the type's SQL
        // is its name).
        if let Some(create) = &column.kind.create
            && !ctx.created.borrow().contains(&column.kind.sql)
        {
            ctx.created.borrow_mut().push(column.kind.sql.clone());
            statements.push(create.clone());
        }
    }
    if !primary.is_empty() && !inline {
        let given = pk_name(items, ctx)?;
        let name = named(ctx, given, Object::PrimaryKey, table, &primary, None)?;
        parts.push(format!(
            "{name}PRIMARY KEY ({})",
            joined(database, &primary)
        ));
    }
    parts.extend(constraints);
    // Then what each column adds, in column order: its UNIQUE, its type's CHECK, its foreign
    // keys (a `use_alter` one left out, except on SQLite).
    for column in &columns {
        if column.unique && !column.index {
            let columns = [column.name.clone()];
            parts.push(
                named(ctx, Given::None, Object::Unique, table, &columns, None)?
                    + &format!("UNIQUE ({})", joined(database, &columns)),
            );
        }
        if let Some(check) = type_check(table, column, ctx)? {
            parts.push(check);
        }
        for reference in &column.references {
            if !reference.use_alter || database == Database::Sqlite {
                parts.push(foreign_key(table, column, reference, ctx)?);
            }
        }
    }
    let mut create = format!(
        "CREATE TABLE {} (\n    {}\n)",
        ident(database, table),
        parts.join(",\n    ")
    );
    if let (Some(comment), Database::Mysql) = (&comment, database) {
        create.push_str(&format!("COMMENT={}", literal(database, comment)));
    }
    statements.push(create);
    statements.extend(indexes(table, &columns, ctx)?);
    if database == Database::Postgres {
        if let Some(comment) = &comment {
            statements.push(format!(
                "COMMENT ON TABLE {} IS {}",
                ident(database, table),
                literal(database, comment)
            ));
        }
        statements.extend(comments(table, &columns, ctx));
    }
    Ok(statements)
}

/// `op.add_column(table, column)`: the column, then what it adds (its type's CHECK, its
/// UNIQUE, its index, its comment on PostgreSQL) as Alembic adds them.
pub(in crate::authoring::alembic) fn add_column(
    table: &str,
    value: &Value,
    ctx: &Ctx,
) -> Result<Vec<String>, Todo> {
    let database = ctx.database;
    let column = column(value, ctx)?;
    if column.primary {
        return Err(option("`op.add_column` of a primary key column"));
    }
    let t = ident(database, table);
    let role = Role {
        not_null: column.not_null(false),
        ..Role::default()
    };
    let mut statements = vec![format!(
        "ALTER TABLE {t} ADD COLUMN {}",
        render(&column, role, ctx)
    )];
    let check = type_check(table, &column, ctx)?;
    let unique = column.unique && !column.index;
    if database == Database::Sqlite {
        if unique {
            return Err(limit(
                "`op.add_column` of a unique column on SQLite needs the table rebuilt (Alembic refuses it)",
            ));
        }
        // Alembic skips the CHECK on SQLite, with a warning: it cannot ALTER a constraint in.
    } else if let Some(check) = check {
        statements.push(format!("ALTER TABLE {t} ADD {check}"));
    }
    if !column.references.is_empty() && database == Database::Sqlite {
        return Err(limit(
            "`op.add_column` of a column with a foreign key on SQLite (Alembic refuses it)",
        ));
    }
    for reference in &column.references {
        statements.push(format!(
            "ALTER TABLE {t} ADD {}",
            foreign_key(table, &column, reference, ctx)?
        ));
    }
    if unique && database != Database::Sqlite {
        let columns = [column.name.clone()];
        let name = named(ctx, Given::None, Object::Unique, table, &columns, None)?;
        statements.push(format!(
            "ALTER TABLE {t} ADD {name}UNIQUE ({})",
            joined(database, &columns)
        ));
    }
    let columns = [column];
    statements.extend(indexes(table, &columns, ctx)?);
    if database == Database::Postgres {
        statements.extend(comments(table, &columns, ctx));
    }
    Ok(statements)
}

/// The index of the table's autoincrement column, as SQLAlchemy's
/// `PrimaryKeyConstraint._autoincrement_column` decides it.
fn autoincrement(
    columns: &[Column],
    primary: &[String],
    foreign: &[String],
    ctx: &Ctx,
) -> Result<Option<usize>, Todo> {
    let keyed: Vec<usize> = (0..columns.len())
        .filter(|&i| primary.contains(&columns[i].name))
        .collect();
    let integer = |c: &Column| {
        matches!(
            c.kind.affinity,
            Affinity::Small | Affinity::Integer | Affinity::Big
        )
    };
    let marked: Vec<usize> = keyed
        .iter()
        .copied()
        .filter(|&i| columns[i].autoincrement == Increment::Yes)
        .collect();
    for &i in &marked {
        if !integer(&columns[i]) {
            return Err(option(format!(
                "`autoincrement=True` on `{}`, whose type SQLAlchemy may refuse it for",
                columns[i].name
            )));
        }
    }
    if primary.len() != 1 || keyed.len() != 1 {
        if ctx.database == Database::Sqlite && !marked.is_empty() {
            return Err(limit(
                "`autoincrement=True` in a composite primary key, which SQLAlchemy refuses on SQLite",
            ));
        }
        return match marked.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            _ => Err(option("`autoincrement=True` on two columns")),
        };
    }
    let at = keyed[0];
    let column = &columns[at];
    Ok(match column.autoincrement {
        Increment::Yes => Some(at),
        Increment::No => None,
        auto => {
            let fk = foreign.contains(&column.name) && auto == Increment::Decide;
            if column.client_default || column.default.is_some() || fk {
                None
            } else if column.kind.affinity == Affinity::Unknown {
                return Err(option(format!(
                    "the primary key `{}` has a type from the type map: whether SQLAlchemy makes it SERIAL / AUTO_INCREMENT cannot be known (say `autoincrement=`)",
                    column.name
                )));
            } else if integer(column) {
                Some(at)
            } else {
                None
            }
        }
    })
}

/// An inline foreign key as a table constraint, named as SQLAlchemy names it.
fn foreign_key(
    table: &str,
    column: &Column,
    reference: &Reference,
    ctx: &Ctx,
) -> Result<String, Todo> {
    let database = ctx.database;
    let (local, remote) = ([column.name.clone()], [reference.column.clone()]);
    let name = named(
        ctx,
        reference.name.clone(),
        Object::ForeignKey,
        table,
        &local,
        Some((&reference.table, &remote)),
    )?;
    Ok(format!(
        "{name}FOREIGN KEY({}) REFERENCES {} ({}){}",
        ident(database, &column.name),
        ident(database, &reference.table),
        ident(database, &reference.column),
        reference.actions
    ))
}

/// The CHECK a column's type adds (`create_constraint=True`), named as SQLAlchemy names it.
fn type_check(table: &str, column: &Column, ctx: &Ctx) -> Result<Option<String>, Todo> {
    let Some(check) = &column.kind.check else {
        return Ok(None);
    };
    let columns = [column.name.clone()];
    let name = named(
        ctx,
        check.name.clone(),
        Object::Check,
        table,
        &columns,
        None,
    )?;
    Ok(Some(format!(
        "{name}CHECK ({} IN ({}))",
        ident(ctx.database, &column.name),
        check.list
    )))
}

/// The indexes of the columns with `index=True` (unique with `unique=True`), named by the
/// naming convention.
fn indexes(table: &str, columns: &[Column], ctx: &Ctx) -> Result<Vec<String>, Todo> {
    let database = ctx.database;
    let mut statements = Vec::new();
    for column in columns.iter().filter(|c| c.index) {
        let names = [column.name.clone()];
        let subject = Subject {
            object: Object::Index,
            table,
            columns: &names,
            referred_table: None,
            referred_columns: &[],
        };
        let name = ctx
            .naming
            .name(&Given::None, &subject, database)?
            .ok_or_else(|| {
                Todo::new(
                    Reason::Name,
                    "`index=True` with no `ix` naming convention to name the index",
                )
            })?;
        statements.push(format!(
            "CREATE {}INDEX {} ON {} ({})",
            if column.unique { "UNIQUE " } else { "" },
            ident(database, &name),
            ident(database, table),
            ident(database, &column.name)
        ));
    }
    Ok(statements)
}

/// `COMMENT ON COLUMN` for each column with a comment (PostgreSQL).
fn comments(table: &str, columns: &[Column], ctx: &Ctx) -> Vec<String> {
    let database = ctx.database;
    columns
        .iter()
        .filter_map(|c| {
            c.comment.as_ref().map(|comment| {
                format!(
                    "COMMENT ON COLUMN {}.{} IS {}",
                    ident(database, table),
                    ident(database, &c.name),
                    literal(database, comment)
                )
            })
        })
        .collect()
}

fn flag(kwargs: &[(String, Value)], key: &str) -> Result<bool, Todo> {
    match Value::kwarg(kwargs, key) {
        None => Ok(false),
        Some(v) if v.is("True") => Ok(true),
        Some(v) if v.is("False") || v.is("None") => Ok(false),
        Some(_) => Err(computed(format!("`{key}=` that is not True or False"))),
    }
}

fn text(kwargs: &[(String, Value)], key: &str) -> Result<Option<String>, Todo> {
    match Value::kwarg(kwargs, key) {
        None => Ok(None),
        Some(v) if v.is("None") => Ok(None),
        Some(Value::Str(text)) => Ok(Some(text.clone())),
        Some(_) => Err(computed(format!("`{key}=` that is not a string literal"))),
    }
}
