//! What a DDL statement leaves in the catalog once it took effect: the tables, columns,
//! indexes and views it creates or drops. A run that stopped between a statement and its
//! journal row asks the catalog whether these are there. Only the kinds whose effect is
//! unambiguous are read; any other statement has no expected outcome, and a person must look.
//! Pure: must not import the drivers or the runner.

use sqlparser::ast::{AlterTableOperation, ObjectName, ObjectType, Statement, TableConstraint};

use super::effects::{Name, name};
use super::reading::{self, Reading};
use aurora_migrate_core::Database;

/// An object of the catalog a statement's outcome is judged by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Object {
    /// A table or a view.
    Table(Name),
    /// A column of a table.
    Column(Name, String),
    /// An index of a table (`PRIMARY` for its primary key).
    Index(Name, String),
    /// A named constraint of a table: a foreign key or a check.
    Constraint(Name, String),
}

impl std::fmt::Display for Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Object::Table(table) => write!(f, "the table {}", table.path()),
            Object::Column(table, column) => write!(f, "the column {}.{column}", table.path()),
            Object::Index(table, index) => write!(f, "the index {index} on {}", table.path()),
            Object::Constraint(table, name) => {
                write!(f, "the constraint {name} on {}", table.path())
            }
        }
    }
}

/// One object, and whether it exists once the statement took effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expected {
    pub object: Object,
    pub exists: bool,
}

/// What `text` leaves in the catalog once it took effect; `None` for a statement whose effect
/// is not read this way (data changes, grants, procedures, `IF [NOT] EXISTS` forms, whose
/// object may have been there before).
pub(crate) fn expected(text: &str, database: Database) -> Option<Vec<Expected>> {
    let Reading::Parsed { statements, .. } = reading::read(text, database) else {
        return None;
    };
    let [statement] = statements.as_slice() else {
        return None;
    };
    let table = |n: &ObjectName| name(n, database);
    let made = |object| Expected {
        object,
        exists: true,
    };
    let gone = |object| Expected {
        object,
        exists: false,
    };
    let found = match statement {
        Statement::CreateTable(create) if !create.if_not_exists && !create.or_replace => {
            vec![made(Object::Table(table(&create.name)))]
        }
        Statement::CreateView(create) if !create.if_not_exists && !create.or_replace => {
            vec![made(Object::Table(table(&create.name)))]
        }
        Statement::CreateIndex(create) if !create.if_not_exists => {
            let index = create.name.as_ref()?.0.last()?.as_ident()?.value.clone();
            vec![made(Object::Index(table(&create.table_name), index))]
        }
        Statement::Drop {
            object_type: ObjectType::Table | ObjectType::View,
            if_exists: false,
            names,
            ..
        } => names
            .iter()
            .map(|n| gone(Object::Table(table(n))))
            .collect(),
        Statement::Drop {
            object_type: ObjectType::Index,
            if_exists: false,
            names,
            table: Some(on),
            ..
        } => names
            .iter()
            .map(|n| {
                Some(gone(Object::Index(
                    table(on),
                    n.0.last()?.as_ident()?.value.clone(),
                )))
            })
            .collect::<Option<_>>()?,
        Statement::RenameTable(renames) => renames
            .iter()
            .flat_map(|r| {
                [
                    gone(Object::Table(table(&r.old_name))),
                    made(Object::Table(table(&r.new_name))),
                ]
            })
            .collect(),
        Statement::AlterTable(alter) if !alter.if_exists => {
            let on = table(&alter.name);
            alter
                .operations
                .iter()
                .map(|operation| match operation {
                    AlterTableOperation::AddColumn {
                        if_not_exists: false,
                        column_def,
                        ..
                    } => Some(vec![made(Object::Column(
                        on.clone(),
                        column_def.name.value.clone(),
                    ))]),
                    AlterTableOperation::DropColumn {
                        if_exists: false,
                        column_names,
                        ..
                    } => Some(
                        column_names
                            .iter()
                            .map(|c| gone(Object::Column(on.clone(), c.value.clone())))
                            .collect(),
                    ),
                    AlterTableOperation::AddConstraint { constraint, .. } => {
                        Some(vec![made(added(&on, constraint)?)])
                    }
                    AlterTableOperation::DropIndex { name } => {
                        Some(vec![gone(Object::Index(on.clone(), name.value.clone()))])
                    }
                    AlterTableOperation::DropPrimaryKey { .. } => {
                        Some(vec![gone(Object::Index(on.clone(), "PRIMARY".to_string()))])
                    }
                    AlterTableOperation::DropForeignKey { name, .. }
                    | AlterTableOperation::DropConstraint {
                        if_exists: false,
                        name,
                        ..
                    } => Some(vec![gone(Object::Constraint(
                        on.clone(),
                        name.value.clone(),
                    ))]),
                    AlterTableOperation::RenameTable { table_name } => {
                        let renamed = match table_name {
                            sqlparser::ast::RenameTableNameKind::As(n)
                            | sqlparser::ast::RenameTableNameKind::To(n) => table(n),
                        };
                        Some(vec![
                            gone(Object::Table(on.clone())),
                            made(Object::Table(renamed)),
                        ])
                    }
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?
                .into_iter()
                .flatten()
                .collect()
        }
        _ => return None,
    };
    (!found.is_empty()).then_some(found)
}

/// The object a constraint added to `table` makes, when it is named: the server names an
/// unnamed foreign key or check itself, which cannot be known before.
fn added(table: &Name, constraint: &TableConstraint) -> Option<Object> {
    let index = |name: &Option<sqlparser::ast::Ident>| {
        Some(Object::Index(table.clone(), name.as_ref()?.value.clone()))
    };
    match constraint {
        TableConstraint::PrimaryKey(_) => Some(Object::Index(table.clone(), "PRIMARY".into())),
        TableConstraint::Unique(unique) => {
            index(&unique.index_name).or_else(|| index(&unique.name))
        }
        TableConstraint::Index(plain) => index(&plain.name),
        TableConstraint::ForeignKey(key) => Some(Object::Constraint(
            table.clone(),
            key.name.as_ref()?.value.clone(),
        )),
        TableConstraint::Check(check) => Some(Object::Constraint(
            table.clone(),
            check.name.as_ref()?.value.clone(),
        )),
        _ => None,
    }
}

/// Whether running `text` a second time does no harm: its `IF [NOT] EXISTS` makes the
/// second run a no-op whatever the first did.
pub(crate) fn repeatable(text: &str, database: Database) -> bool {
    let Reading::Parsed { statements, .. } = reading::read(text, database) else {
        return false;
    };
    let [statement] = statements.as_slice() else {
        return false;
    };
    match statement {
        Statement::CreateTable(create) => create.if_not_exists,
        Statement::CreateView(create) => create.if_not_exists,
        Statement::CreateIndex(create) => create.if_not_exists,
        Statement::Drop { if_exists, .. } => *if_exists,
        Statement::AlterTable(alter) => alter.operations.iter().all(|operation| {
            matches!(
                operation,
                AlterTableOperation::AddColumn {
                    if_not_exists: true,
                    ..
                } | AlterTableOperation::DropColumn {
                    if_exists: true,
                    ..
                }
            )
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
