//! The losses of one parsed statement, by its syntax tree: drops, row changes (aliases of a
//! multi-table `DELETE` or `UPDATE` resolved), conversions, cascades, and the data-modifying
//! statements a query carries in its `WITH`. Pure: must not import the drivers or the runner.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, AssignmentTarget, DropBehavior, FromTable, Ident,
    ObjectName, ObjectType, OnConflictAction, OnInsert, Query, ReferentialAction, SetExpr,
    SqliteOnConflict, Statement, TableFactor, TableObject, TableWithJoins,
};

use aurora_migrate_core::Database;

use super::{Loss, Name, RowChange};

/// What `statement` destroys on `database`.
pub(crate) fn losses(statement: &Statement, database: Database) -> Vec<Loss> {
    let name = |n: &ObjectName| name(n, database);
    let mut found = Vec::new();
    match statement {
        Statement::Drop {
            object_type,
            names,
            cascade,
            ..
        } => found.extend(drop(*object_type, names, *cascade, database)),
        Statement::DropFunction(drop) if drop.drop_behavior == Some(DropBehavior::Cascade) => {
            for function in &drop.func_desc {
                found.push(cascaded("function", &function.name.to_string()));
            }
        }
        Statement::DropDomain(drop) if drop.drop_behavior == Some(DropBehavior::Cascade) => {
            found.push(Loss::TypeColumns {
                kind: "domain",
                name: name(&drop.name),
            });
        }
        Statement::DropExtension(drop)
            if drop.cascade_or_restrict == Some(ReferentialAction::Cascade) =>
        {
            for extension in &drop.names {
                found.push(Loss::Dependents(format!(
                    "extension {extension} with CASCADE, and with it every column of its types"
                )));
            }
        }
        Statement::Truncate(_)
        | Statement::Delete(_)
        | Statement::Update(_)
        | Statement::Merge(_)
        | Statement::Insert(_) => changed(statement, database, &mut found),
        Statement::Query(q) => query(q, database, &mut found),
        Statement::CreateTable(create) => {
            // MariaDB's CREATE OR REPLACE TABLE drops the table that is there.
            if create.or_replace {
                found.push(Loss::Table(name(&create.name)));
            }
            if let Some(source) = &create.query {
                query(source, database, &mut found);
            }
        }
        Statement::AlterTable(alter) => {
            let table = name(&alter.name);
            for operation in &alter.operations {
                found.extend(altered(&table, operation, database));
            }
        }
        Statement::Call(function) => found.push(Loss::Unjudged(format!(
            "it calls procedure {}, whose effects cannot be seen",
            function.name
        ))),
        Statement::Execute { name: Some(n), .. } => found.push(Loss::Unjudged(format!(
            "it executes {n}, whose statement cannot be seen here"
        ))),
        _ => {}
    }
    found
}

/// The rows a data-changing statement deletes, empties or overwrites.
fn changed(statement: &Statement, database: Database, found: &mut Vec<Loss>) {
    let name = |n: &ObjectName| name(n, database);
    let rows = |table: Name, change: RowChange| Loss::Rows { table, change };
    match statement {
        Statement::Truncate(truncate) => {
            for target in &truncate.table_names {
                found.push(rows(name(&target.name), RowChange::Emptied));
            }
            if truncate.cascade == Some(sqlparser::ast::CascadeOption::Cascade) {
                found.push(Loss::Dependents(
                    "with CASCADE, the rows of every table that references them".into(),
                ));
            }
        }
        Statement::Delete(delete) => {
            let every = delete.selection.is_none();
            for table in deleted(delete, database) {
                found.push(rows(table, RowChange::Deleted { every }));
            }
        }
        Statement::Update(update) => {
            let every = update.selection.is_none();
            for table in updated(update, database) {
                found.push(rows(table, RowChange::Overwritten { every }));
            }
        }
        Statement::Merge(merge) => {
            if let TableFactor::Table { name: table, .. } = &merge.table {
                found.push(rows(name(table), RowChange::Merged));
            }
        }
        Statement::Insert(insert) => {
            if let TableObject::TableName(table) = &insert.table {
                let replaced = insert.replace_into || insert.or == Some(SqliteOnConflict::Replace);
                let upserted = match &insert.on {
                    Some(OnInsert::DuplicateKeyUpdate(_)) => true,
                    Some(OnInsert::OnConflict(conflict)) => {
                        matches!(conflict.action, OnConflictAction::DoUpdate(_))
                    }
                    _ => false,
                };
                if replaced {
                    found.push(rows(name(table), RowChange::Replaced));
                } else if upserted {
                    found.push(rows(name(table), RowChange::Upserted));
                }
            }
            if let Some(source) = &insert.source {
                query(source, database, found);
            }
        }
        _ => {}
    }
}

fn drop(kind: ObjectType, names: &[ObjectName], cascade: bool, database: Database) -> Vec<Loss> {
    names
        .iter()
        .filter_map(|n| match kind {
            ObjectType::Table => Some(Loss::Table(name(n, database))),
            // PostgreSQL refuses to drop a schema that holds anything, unless CASCADE; in
            // MySQL a schema is a database.
            ObjectType::Schema if cascade || database != Database::Postgres => {
                Some(Loss::Dependents(format!("schema {n} and everything in it")))
            }
            ObjectType::Database => Some(Loss::Dependents(format!(
                "database {n} and everything in it"
            ))),
            ObjectType::Type if cascade => Some(Loss::TypeColumns {
                kind: "type",
                name: name(n, database),
            }),
            ObjectType::Collation if cascade => Some(Loss::Dependents(format!(
                "collation {n} with CASCADE, and with it every column that uses it"
            ))),
            ObjectType::Index => None,
            other if cascade => Some(cascaded(&other.to_string().to_lowercase(), &n.to_string())),
            _ => None,
        })
        .collect()
}

fn cascaded(kind: &str, name: &str) -> Loss {
    Loss::Dependents(format!(
        "{kind} {name} with CASCADE, and whatever depends on it"
    ))
}

fn altered(table: &Name, operation: &AlterTableOperation, database: Database) -> Vec<Loss> {
    let column = |c: &Ident| ident(c, database);
    let converted = |c: &Ident| Loss::Converted {
        table: table.clone(),
        column: column(c),
    };
    match operation {
        AlterTableOperation::DropColumn { column_names, .. } => column_names
            .iter()
            .map(|c| Loss::Column {
                table: table.clone(),
                column: column(c),
            })
            .collect(),
        AlterTableOperation::AlterColumn {
            column_name,
            op: AlterColumnOperation::SetDataType { .. },
        } => vec![converted(column_name)],
        AlterTableOperation::ModifyColumn { col_name, .. } => vec![converted(col_name)],
        AlterTableOperation::ChangeColumn { old_name, .. } => vec![converted(old_name)],
        AlterTableOperation::DropPartitions { .. } => vec![Loss::Rows {
            table: table.clone(),
            change: RowChange::Partitions,
        }],
        _ => Vec::new(),
    }
}

/// The data-modifying statements a query carries (`WITH d AS (DELETE ...) SELECT ...`).
fn query(q: &Query, database: Database, found: &mut Vec<Loss>) {
    if let Some(with) = &q.with {
        for cte in &with.cte_tables {
            query(&cte.query, database, found);
        }
    }
    set_expression(&q.body, database, found);
}

fn set_expression(body: &SetExpr, database: Database, found: &mut Vec<Loss>) {
    match body {
        SetExpr::Query(q) => query(q, database, found),
        SetExpr::SetOperation { left, right, .. } => {
            set_expression(left, database, found);
            set_expression(right, database, found);
        }
        SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s) | SetExpr::Merge(s) => {
            found.extend(losses(s, database));
        }
        _ => {}
    }
}

/// The tables a `DELETE` removes rows from: those it names before `FROM` (aliases resolved,
/// as MySQL's `DELETE w FROM wallets w`), else those after `FROM`.
fn deleted(delete: &sqlparser::ast::Delete, database: Database) -> Vec<Name> {
    let from = match &delete.from {
        FromTable::WithFromKeyword(tables) | FromTable::WithoutKeyword(tables) => tables,
    };
    let relations = relations(from.iter().chain(delete.using.iter().flatten()));
    if delete.tables.is_empty() {
        return from
            .iter()
            .filter_map(|t| match &t.relation {
                TableFactor::Table { name: n, .. } => Some(name(n, database)),
                _ => None,
            })
            .collect();
    }
    delete
        .tables
        .iter()
        .map(|target| resolve(&relations, &target.to_string(), database))
        .collect()
}

/// The tables an `UPDATE` writes: those its assignments name (`SET t.a = ...`), else its
/// first.
fn updated(update: &sqlparser::ast::Update, database: Database) -> Vec<Name> {
    let relations = relations(std::iter::once(&update.table));
    let mut tables: Vec<Name> = Vec::new();
    for assignment in &update.assignments {
        let targets: Vec<&ObjectName> = match &assignment.target {
            AssignmentTarget::ColumnName(n) => vec![n],
            AssignmentTarget::Tuple(list) => list.iter().collect(),
        };
        for target in targets {
            let parts = &target.0;
            let table = match parts.len() {
                0 | 1 => None,
                n => Some(
                    ObjectName(parts[..n - 1].to_vec())
                        .to_string()
                        .trim_matches(['"', '`'])
                        .to_string(),
                ),
            };
            let resolved = match table {
                Some(t) => resolve(&relations, &t, database),
                None => match relations.first() {
                    Some((_, n)) => name(n, database),
                    None => continue,
                },
            };
            if !tables.contains(&resolved) {
                tables.push(resolved);
            }
        }
    }
    tables
}

/// Each table of a FROM list (joins too) with its alias.
fn relations<'a>(
    tables: impl Iterator<Item = &'a TableWithJoins>,
) -> Vec<(Option<String>, &'a ObjectName)> {
    let mut found = Vec::new();
    for table in tables {
        let factors =
            std::iter::once(&table.relation).chain(table.joins.iter().map(|j| &j.relation));
        for factor in factors {
            if let TableFactor::Table { name, alias, .. } = factor {
                found.push((alias.as_ref().map(|a| a.name.value.clone()), name));
            }
        }
    }
    found
}

/// The table an alias or a name stands for among `relations`.
fn resolve(relations: &[(Option<String>, &ObjectName)], written: &str, database: Database) -> Name {
    let written = written.trim_matches(['"', '`']);
    let by_alias = relations.iter().find(|(alias, _)| {
        alias
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(written))
    });
    match by_alias {
        Some((_, table)) => name(table, database),
        None => {
            let parts = written
                .split('.')
                .map(|p| fold(p, false, database))
                .collect();
            Name::new(parts)
        }
    }
}

/// A name as the database resolves it.
pub(crate) fn name(name: &ObjectName, database: Database) -> Name {
    Name::new(
        name.0
            .iter()
            .map(|part| match part.as_ident() {
                Some(i) => ident(i, database),
                None => part.to_string(),
            })
            .collect(),
    )
}

fn ident(ident: &Ident, database: Database) -> String {
    fold(&ident.value, ident.quote_style.is_some(), database)
}

/// PostgreSQL folds an unquoted name to lower case; SQLite and MySQL keep it as written.
fn fold(value: &str, quoted: bool, database: Database) -> String {
    match (database, quoted) {
        (Database::Postgres, false) => value.to_lowercase(),
        _ => value.to_string(),
    }
}
