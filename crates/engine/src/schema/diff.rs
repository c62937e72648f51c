//! The pure difference between two schemas, as an ordered list of changes. Every change
//! carries what it replaces, so its reverse is known and a downgrade is always generated.
//! Pure: must not import a driver, sqlx or the runner.

use std::collections::BTreeSet;

use super::model::{Check, Column, ColumnType, EnumType, ForeignKey, Index, Schema, Table, Unique};

/// One difference, with enough of the old state to undo it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Creates an enum type.
    CreateEnum(EnumType),
    /// Drops an enum type.
    DropEnum(EnumType),
    /// Values added, removed or reordered; `columns` (table, column) use the type.
    AlterEnum {
        /// The type as it was.
        from: EnumType,
        /// The type as it becomes.
        to: EnumType,
        /// The columns using the type, each with its table's name.
        columns: Vec<(String, Column)>,
    },
    /// Creates a table with its columns, keys and constraints.
    CreateTable(Table),
    /// Drops a table.
    DropTable(Table),
    /// Adds a column to an existing table.
    AddColumn {
        /// The table's name.
        table: String,
        /// The column to add.
        column: Column,
    },
    /// Drops a column from a table.
    DropColumn {
        /// The table's name.
        table: String,
        /// The column to drop, as it was.
        column: Column,
    },
    /// Changes a column's type, nullability, default or comment.
    AlterColumn {
        /// The table's name.
        table: String,
        /// The column as it was.
        from: Column,
        /// The column as it becomes.
        to: Column,
    },
    /// Creates an index on an existing table.
    AddIndex {
        /// The table's name.
        table: String,
        /// The index to create.
        index: Index,
    },
    /// Drops an index.
    DropIndex {
        /// The table's name.
        table: String,
        /// The index to drop, as it was.
        index: Index,
    },
    /// Adds a UNIQUE constraint to an existing table.
    AddUnique {
        /// The table's name.
        table: String,
        /// The constraint to add.
        unique: Unique,
    },
    /// Drops a UNIQUE constraint.
    DropUnique {
        /// The table's name.
        table: String,
        /// The constraint to drop, as it was.
        unique: Unique,
    },
    /// Adds a foreign key to an existing table.
    AddForeignKey {
        /// The table's name.
        table: String,
        /// The foreign key to add.
        key: ForeignKey,
    },
    /// Drops a foreign key.
    DropForeignKey {
        /// The table's name.
        table: String,
        /// The foreign key to drop, as it was.
        key: ForeignKey,
    },
    /// Adds a CHECK constraint to an existing table.
    AddCheck {
        /// The table's name.
        table: String,
        /// The constraint to add.
        check: Check,
    },
    /// Drops a CHECK constraint.
    DropCheck {
        /// The table's name.
        table: String,
        /// The constraint to drop, as it was.
        check: Check,
    },
}

impl Change {
    /// The change that undoes this one.
    pub fn reverse(&self) -> Change {
        use Change::*;
        let t = |table: &String| table.clone();
        match self {
            CreateEnum(e) => DropEnum(e.clone()),
            DropEnum(e) => CreateEnum(e.clone()),
            AlterEnum { from, to, columns } => AlterEnum {
                from: to.clone(),
                to: from.clone(),
                columns: columns.clone(),
            },
            CreateTable(table) => DropTable(table.clone()),
            DropTable(table) => CreateTable(table.clone()),
            AddColumn { table, column } => DropColumn {
                table: t(table),
                column: column.clone(),
            },
            DropColumn { table, column } => AddColumn {
                table: t(table),
                column: column.clone(),
            },
            AlterColumn { table, from, to } => AlterColumn {
                table: t(table),
                from: to.clone(),
                to: from.clone(),
            },
            AddIndex { table, index } => DropIndex {
                table: t(table),
                index: index.clone(),
            },
            DropIndex { table, index } => AddIndex {
                table: t(table),
                index: index.clone(),
            },
            AddUnique { table, unique } => DropUnique {
                table: t(table),
                unique: unique.clone(),
            },
            DropUnique { table, unique } => AddUnique {
                table: t(table),
                unique: unique.clone(),
            },
            AddForeignKey { table, key } => DropForeignKey {
                table: t(table),
                key: key.clone(),
            },
            DropForeignKey { table, key } => AddForeignKey {
                table: t(table),
                key: key.clone(),
            },
            AddCheck { table, check } => DropCheck {
                table: t(table),
                check: check.clone(),
            },
            DropCheck { table, check } => AddCheck {
                table: t(table),
                check: check.clone(),
            },
        }
    }

    /// The table the change is about, if it is about one.
    pub fn table(&self) -> Option<&str> {
        use Change::*;
        match self {
            CreateEnum(_) | DropEnum(_) | AlterEnum { .. } => None,
            CreateTable(table) | DropTable(table) => Some(&table.name),
            AddColumn { table, .. }
            | DropColumn { table, .. }
            | AlterColumn { table, .. }
            | AddIndex { table, .. }
            | DropIndex { table, .. }
            | AddUnique { table, .. }
            | DropUnique { table, .. }
            | AddForeignKey { table, .. }
            | DropForeignKey { table, .. }
            | AddCheck { table, .. }
            | DropCheck { table, .. } => Some(table),
        }
    }
}

/// The changes that turn `current` into `desired` (both normalised for one dialect), ordered
/// so that each can run after those before it: types before tables, tables before foreign
/// keys; drops in the reverse order.
pub fn diff(current: &Schema, desired: &Schema) -> Vec<Change> {
    let mut stages: [Vec<Change>; 9] = Default::default();
    let [
        types,
        drop_links,
        drop_parts,
        create_tables,
        columns,
        add_parts,
        add_links,
        drop_tables,
        drop_types,
    ] = &mut stages;
    for to in &desired.enums {
        match current.enum_type(&to.name) {
            None => types.push(Change::CreateEnum(to.clone())),
            Some(from) if from.values != to.values => types.push(Change::AlterEnum {
                from: from.clone(),
                to: to.clone(),
                columns: enum_columns(current, &to.name),
            }),
            Some(_) => {}
        }
    }
    for from in current
        .enums
        .iter()
        .filter(|e| desired.enum_type(&e.name).is_none())
    {
        drop_types.push(Change::DropEnum(from.clone()));
    }
    for table in creation_order(desired, current) {
        create_tables.push(Change::CreateTable(table.clone()));
    }
    let mut dropped: Vec<&Table> = creation_order(current, desired);
    dropped.reverse();
    for table in dropped {
        drop_tables.push(Change::DropTable(table.clone()));
    }
    for to in &desired.tables {
        let Some(from) = current.table(&to.name) else {
            continue;
        };
        let name = &to.name;
        table_columns(name, from, to, columns);
        named(
            &from.indexes,
            &to.indexes,
            |index| Change::DropIndex {
                table: name.clone(),
                index,
            },
            |index| Change::AddIndex {
                table: name.clone(),
                index,
            },
            drop_parts,
            add_parts,
        );
        named(
            &from.uniques,
            &to.uniques,
            |unique| Change::DropUnique {
                table: name.clone(),
                unique,
            },
            |unique| Change::AddUnique {
                table: name.clone(),
                unique,
            },
            drop_parts,
            add_parts,
        );
        let same_name = |a: &Check, b: &Check| a.name == b.name;
        for check in from
            .checks
            .iter()
            .filter(|c| !to.checks.iter().any(|d| same_name(c, d)))
        {
            drop_parts.push(Change::DropCheck {
                table: name.clone(),
                check: check.clone(),
            });
        }
        for check in to
            .checks
            .iter()
            .filter(|c| !from.checks.iter().any(|d| same_name(c, d)))
        {
            add_parts.push(Change::AddCheck {
                table: name.clone(),
                check: check.clone(),
            });
        }
        named(
            &from.foreign_keys,
            &to.foreign_keys,
            |key| Change::DropForeignKey {
                table: name.clone(),
                key,
            },
            |key| Change::AddForeignKey {
                table: name.clone(),
                key,
            },
            drop_links,
            add_links,
        );
    }
    stages.into_iter().flatten().collect()
}

/// Adds, drops and alterations of the columns of a table present in both schemas.
fn table_columns(table: &str, from: &Table, to: &Table, out: &mut Vec<Change>) {
    let table = table.to_string();
    for column in &to.columns {
        match from.column_named(&column.name) {
            None => out.push(Change::AddColumn {
                table: table.clone(),
                column: column.clone(),
            }),
            Some(old) if differs(old, column) => out.push(Change::AlterColumn {
                table: table.clone(),
                from: old.clone(),
                to: column.clone(),
            }),
            Some(_) => {}
        }
    }
    for column in from
        .columns
        .iter()
        .filter(|c| to.column_named(&c.name).is_none())
    {
        out.push(Change::DropColumn {
            table: table.clone(),
            column: column.clone(),
        });
    }
}

/// What autogenerate compares on a column; `autoincrement` is the database's business.
fn differs(a: &Column, b: &Column) -> bool {
    a.ty != b.ty || a.nullable != b.nullable || a.default != b.default || a.comment != b.comment
}

/// Named objects compared whole: a changed definition is a drop and an add.
fn named<T: Clone + PartialEq>(
    from: &[T],
    to: &[T],
    drop: impl Fn(T) -> Change,
    add: impl Fn(T) -> Change,
    drops: &mut Vec<Change>,
    adds: &mut Vec<Change>,
) {
    for old in from {
        if !to.iter().any(|new| new == old) {
            drops.push(drop(old.clone()));
        }
    }
    for new in to {
        if !from.iter().any(|old| old == new) {
            adds.push(add(new.clone()));
        }
    }
}

/// Columns of tables kept in both schemas that use enum `name` before and after.
fn enum_columns(current: &Schema, name: &str) -> Vec<(String, Column)> {
    let is_enum = |c: &Column| c.ty == ColumnType::Enum(name.to_string());
    let mut columns = Vec::new();
    for table in &current.tables {
        // Every column using the type when it is rebuilt, even one changed or dropped later
        // in the same migration: the old type cannot be dropped while any column uses it.
        for column in table.columns.iter().filter(|c| is_enum(c)) {
            columns.push((table.name.clone(), column.clone()));
        }
    }
    columns
}

/// Tables of `schema` missing from `other`, ordered so a table comes after those it references.
fn creation_order<'a>(schema: &'a Schema, other: &Schema) -> Vec<&'a Table> {
    let mut pending: Vec<&Table> = schema
        .tables
        .iter()
        .filter(|t| other.table(&t.name).is_none())
        .collect();
    let names: BTreeSet<&str> = pending.iter().map(|t| t.name.as_str()).collect();
    let mut ordered: Vec<&Table> = Vec::new();
    while !pending.is_empty() {
        let placed: BTreeSet<&str> = ordered.iter().map(|t| t.name.as_str()).collect();
        let ready = |t: &&Table| {
            t.foreign_keys.iter().all(|k| {
                k.ref_table == t.name
                    || !names.contains(k.ref_table.as_str())
                    || placed.contains(k.ref_table.as_str())
            })
        };
        // A cycle of references among new tables: take the rest in name order.
        let index = pending.iter().position(ready).unwrap_or(0);
        ordered.push(pending.remove(index));
    }
    ordered
}

#[cfg(test)]
mod tests;
