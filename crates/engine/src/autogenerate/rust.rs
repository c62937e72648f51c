//! Renders changes as a Rust migration over [`Ddl`] when every change is one that the `ddl`
//! module's snapshot tests prove right on each dialect; otherwise autogenerate writes SQL.
//! Must not import a driver or the runner.

use crate::ddl::{self, Ddl, DefaultValue, Type};
use crate::schema::diff::Change;
use crate::schema::model::{Column, ColumnDefault, ColumnType, Table};

/// One call on a [`Ddl`], as data: it can be run, or written as Rust.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `Ddl::create_table`: creates a table with these columns.
    CreateTable {
        /// The table's name.
        name: String,
        /// The table's columns, in order.
        columns: Vec<OpColumn>,
    },
    /// `Ddl::drop_table`: drops the named table.
    DropTable(String),
    /// `Ddl::add_column`: adds a column to an existing table.
    AddColumn {
        /// The table's name.
        table: String,
        /// The column to add.
        column: OpColumn,
    },
    /// `Ddl::drop_column`: drops a column from a table.
    DropColumn {
        /// The table's name.
        table: String,
        /// The column's name.
        column: String,
    },
    /// `Ddl::create_index`: creates an index on a table.
    CreateIndex {
        /// The table's name.
        table: String,
        /// The index's name.
        name: String,
        /// The indexed columns, in order.
        columns: Vec<String>,
        /// Whether the index is UNIQUE.
        unique: bool,
    },
    /// `Ddl::drop_index`: drops an index.
    DropIndex {
        /// The table's name.
        table: String,
        /// The index's name.
        name: String,
    },
}

/// A column of an [`Op`], as data for a [`ddl::Column`].
#[derive(Debug, Clone, PartialEq)]
pub struct OpColumn {
    name: String,
    ty: Type,
    nullable: bool,
    unique: bool,
    default: Option<DefaultValue>,
}

impl OpColumn {
    fn build(&self) -> ddl::Column {
        let mut column = ddl::Column::new(&self.name, self.ty);
        if self.nullable {
            column = column.nullable();
        }
        if self.unique {
            column = column.unique();
        }
        if let Some(default) = &self.default {
            column = column.default(default.clone());
        }
        column
    }

    fn rust(&self) -> String {
        let mut code = format!("Column::new({:?}, Type::{:?})", self.name, self.ty);
        if self.nullable {
            code.push_str(".nullable()");
        }
        if self.unique {
            code.push_str(".unique()");
        }
        match &self.default {
            Some(DefaultValue::Integer(n)) => {
                code.push_str(&format!(".default(DefaultValue::Integer({n}))"))
            }
            Some(DefaultValue::Boolean(b)) => {
                code.push_str(&format!(".default(DefaultValue::Boolean({b}))"))
            }
            Some(DefaultValue::Text(text)) => {
                code.push_str(&format!(".default(DefaultValue::Text({text:?}.into()))"))
            }
            None => {}
        }
        code
    }
}

impl Op {
    /// Makes this call on `target`.
    pub fn apply(&self, target: &mut Ddl) {
        match self {
            Op::CreateTable { name, columns } => {
                target.create_table(name, columns.iter().map(OpColumn::build).collect())
            }
            Op::DropTable(name) => target.drop_table(name),
            Op::AddColumn { table, column } => target.add_column(table, column.build()),
            Op::DropColumn { table, column } => target.drop_column(table, column),
            Op::CreateIndex {
                table,
                name,
                columns,
                unique,
            } => {
                let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
                target.create_index(table, name, &columns, *unique)
            }
            Op::DropIndex { table, name } => target.drop_index(table, name),
        }
    }

    /// This call as a Rust statement on a `Ddl` named `ddl`.
    pub fn rust(&self) -> String {
        match self {
            Op::CreateTable { name, columns } => {
                let list: String = columns
                    .iter()
                    .map(|c| format!("        {},\n", c.rust()))
                    .collect();
                format!("ddl.create_table(\n    {name:?},\n    vec![\n{list}    ],\n);")
            }
            Op::DropTable(name) => format!("ddl.drop_table({name:?});"),
            Op::AddColumn { table, column } => {
                format!("ddl.add_column({table:?}, {});", column.rust())
            }
            Op::DropColumn { table, column } => format!("ddl.drop_column({table:?}, {column:?});"),
            Op::CreateIndex {
                table,
                name,
                columns,
                unique,
            } => {
                format!("ddl.create_index({table:?}, {name:?}, &{columns:?}, {unique});")
            }
            Op::DropIndex { table, name } => format!("ddl.drop_index({table:?}, {name:?});"),
        }
    }
}

/// The calls that make `changes`, or `None` if one of them is not proven through barrel.
pub fn ops(changes: &[Change]) -> Option<Vec<Op>> {
    let mut ops = Vec::new();
    for change in changes {
        match change {
            Change::CreateTable(table) => {
                ops.push(Op::CreateTable {
                    name: table.name.clone(),
                    columns: table_columns(table)?,
                });
                for index in &table.indexes {
                    ops.push(index_op(
                        &table.name,
                        &index.name,
                        &index.columns,
                        index.unique,
                    ));
                }
            }
            Change::DropTable(table) => {
                table_columns(table)?; // its reverse must be expressible too
                ops.push(Op::DropTable(table.name.clone()));
            }
            Change::AddColumn { table, column } | Change::DropColumn { table, column } => {
                let portable = op_column(column, false)?;
                // SQLite can add a column only if existing rows get a value.
                if !column.nullable && column.default.is_none() {
                    return None;
                }
                ops.push(match change {
                    Change::AddColumn { .. } => Op::AddColumn {
                        table: table.clone(),
                        column: portable,
                    },
                    _ => Op::DropColumn {
                        table: table.clone(),
                        column: column.name.clone(),
                    },
                });
            }
            Change::AddIndex { table, index } => {
                ops.push(index_op(table, &index.name, &index.columns, index.unique))
            }
            Change::DropIndex { table, index } => ops.push(Op::DropIndex {
                table: table.clone(),
                name: index.name.clone(),
            }),
            _ => return None,
        }
    }
    Some(ops)
}

fn index_op(table: &str, name: &str, columns: &[String], unique: bool) -> Op {
    Op::CreateIndex {
        table: table.to_string(),
        name: name.to_string(),
        columns: columns.to_vec(),
        unique,
    }
}

/// A table `create_table` can build: an optional serial `id`-style key, single-column
/// uniques named as PostgreSQL names them, no foreign keys or checks.
fn table_columns(table: &Table) -> Option<Vec<OpColumn>> {
    if !table.foreign_keys.is_empty() || !table.checks.is_empty() {
        return None;
    }
    let key = match table.primary_key.as_slice() {
        [] => None,
        [only] => Some(only.as_str()),
        _ => return None,
    };
    let mut columns = Vec::new();
    for column in &table.columns {
        let is_key = key == Some(column.name.as_str());
        let mut portable = op_column(column, is_key)?;
        portable.unique = table
            .uniques
            .iter()
            .any(|u| u.columns == [column.name.clone()]);
        columns.push(portable);
    }
    let expected = |u: &crate::schema::model::Unique| {
        u.columns.len() == 1 && u.name == format!("{}_{}_key", table.name, u.columns[0])
    };
    table.uniques.iter().all(expected).then_some(columns)
}

fn op_column(column: &Column, is_key: bool) -> Option<OpColumn> {
    if column.comment.is_some() {
        return None;
    }
    if is_key {
        let serial =
            column.autoincrement && column.ty == ColumnType::Integer && column.default.is_none();
        return serial.then(|| OpColumn {
            name: column.name.clone(),
            ty: Type::Primary,
            nullable: false,
            unique: false,
            default: None,
        });
    }
    if column.autoincrement {
        return None;
    }
    let ty = match &column.ty {
        ColumnType::Integer => Type::Integer,
        ColumnType::Text => Type::Text,
        ColumnType::Varchar(n) => Type::Varchar(*n as usize),
        ColumnType::Boolean => Type::Boolean,
        ColumnType::Double => Type::Double,
        ColumnType::Date => Type::Date,
        ColumnType::Timestamp => Type::Timestamp,
        _ => return None,
    };
    let default = match &column.default {
        None => None,
        Some(ColumnDefault::Int(n)) => Some(DefaultValue::Integer(*n)),
        Some(ColumnDefault::Bool(b)) => Some(DefaultValue::Boolean(*b)),
        Some(ColumnDefault::Text(text)) => Some(DefaultValue::Text(text.clone())),
        Some(_) => return None,
    };
    Some(OpColumn {
        name: column.name.clone(),
        ty,
        nullable: column.nullable,
        unique: false,
        default,
    })
}

/// The body of a Rust migration (after its `//!` header).
pub fn file_body(upgrade: &[Op], downgrade: &[Op]) -> String {
    let block = |ops: &[Op]| -> String {
        ops.iter()
            .map(|op| format!("    {}\n", op.rust().replace('\n', "\n    ")))
            .collect()
    };
    let mut uses = vec!["Ddl"];
    let all: Vec<&Op> = upgrade.iter().chain(downgrade).collect();
    let text: String = all.iter().map(|op| op.rust()).collect();
    if text.contains("Column::new") {
        uses.extend(["Column", "Type"]);
    }
    if text.contains("DefaultValue::") {
        uses.push("DefaultValue");
    }
    uses.sort();
    let imports = match uses.as_slice() {
        [one] => one.to_string(),
        many => format!("{{{}}}", many.join(", ")),
    };
    format!(
        "use aurora_migrate::ddl::{imports};\n\npub fn upgrade(ddl: &mut Ddl) {{\n{}}}\n\npub fn downgrade(ddl: &mut Ddl) {{\n{}}}\n",
        block(upgrade),
        block(downgrade)
    )
}

#[cfg(test)]
mod tests;
