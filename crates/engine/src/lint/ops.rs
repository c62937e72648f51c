//! Statements read with a real SQL parser (`sqlparser`, in the dialect of the database) and
//! reduced to the operations the rules judge: what is created, altered, dropped or renamed,
//! and how. A statement the parser cannot read is kept as such, never guessed at. Pure: must
//! not import the drivers or the runner.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, AlterTypeOperation, ColumnDef, ColumnOption,
    DataType, Expr, ObjectName, ObjectType, RenameTableNameKind, Statement, TableConstraint,
};
use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer, Word};

use aurora_migrate_core::Database;

/// What one statement does, as far as the rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    CreateTable {
        table: String,
    },
    CreateIndex {
        table: String,
        name: String,
        concurrently: bool,
    },
    DropIndex {
        names: Vec<String>,
        concurrently: bool,
    },
    DropTable {
        tables: Vec<String>,
    },
    CreateType {
        name: String,
    },
    DropType {
        names: Vec<String>,
    },
    AddColumn {
        table: String,
        column: String,
        not_null: bool,
        default: Option<String>,
    },
    DropColumn {
        table: String,
        columns: Vec<String>,
    },
    ChangeType {
        table: String,
        column: String,
        enum_values: Option<Vec<String>>,
    },
    SetNotNull {
        table: String,
        column: String,
    },
    AddForeignKey {
        table: String,
        not_valid: bool,
    },
    AddCheck {
        table: String,
        not_valid: bool,
    },
    AddUnique {
        table: String,
        using_index: bool,
    },
    DropConstraint {
        table: String,
        name: String,
    },
    RenameTable {
        from: String,
        to: String,
    },
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
    AddEnumValue {
        type_name: String,
        value: String,
    },
    Update {
        table: String,
        filtered: bool,
    },
    Delete {
        table: String,
        filtered: bool,
    },
    Insert {
        table: String,
    },
    /// Anything the rules do not judge.
    Other,
}

/// A statement as read: its operations, or why the parser could not read it.
pub type Read = Result<Vec<Op>, String>;

/// Reads one statement on `database`.
pub fn read(text: &str, database: Database) -> Read {
    let dialect: Box<dyn Dialect> = match database {
        Database::Postgres => Box::new(PostgreSqlDialect {}),
        Database::Sqlite => Box::new(SQLiteDialect {}),
        Database::Mysql => Box::new(MySqlDialect {}),
    };
    match Parser::parse_sql(dialect.as_ref(), text) {
        Ok(statements) => Ok(statements.iter().flat_map(ops).collect()),
        Err(error) => match without_drop_concurrently(dialect.as_ref(), text) {
            // sqlparser reads `CREATE INDEX CONCURRENTLY` but not `DROP INDEX CONCURRENTLY`.
            Some(plain) => match Parser::parse_sql(dialect.as_ref(), &plain) {
                Ok(statements) => Ok(statements
                    .iter()
                    .flat_map(ops)
                    .map(|op| match op {
                        Op::DropIndex { names, .. } => Op::DropIndex {
                            names,
                            concurrently: true,
                        },
                        other => other,
                    })
                    .collect()),
                Err(_) => Err(error.to_string()),
            },
            None => Err(error.to_string()),
        },
    }
}

/// `DROP INDEX CONCURRENTLY ...` without its `CONCURRENTLY`, found by tokens.
fn without_drop_concurrently(dialect: &dyn Dialect, text: &str) -> Option<String> {
    let tokens = Tokenizer::new(dialect, text).tokenize().ok()?;
    let words: Vec<(usize, String)> = tokens
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match t {
            Token::Word(Word { value, .. }) => Some((i, value.to_ascii_uppercase())),
            _ => None,
        })
        .take(3)
        .collect();
    match words.as_slice() {
        [(_, drop), (_, index), (at, concurrently)]
            if drop == "DROP" && index == "INDEX" && concurrently == "CONCURRENTLY" =>
        {
            let kept: String = tokens
                .iter()
                .enumerate()
                .filter(|(i, _)| i != at)
                .map(|(_, t)| t.to_string())
                .collect();
            Some(kept)
        }
        _ => None,
    }
}

/// The last part of a name, unquoted and in lower case, as the rules compare names.
pub fn bare(name: &ObjectName) -> String {
    name.0
        .last()
        .map(|part| part.to_string())
        .unwrap_or_default()
        .trim_matches(|c| c == '"' || c == '`')
        .to_ascii_lowercase()
}

fn ident(ident: &sqlparser::ast::Ident) -> String {
    ident.value.to_ascii_lowercase()
}

fn ops(statement: &Statement) -> Vec<Op> {
    match statement {
        Statement::CreateTable(create) => vec![Op::CreateTable {
            table: bare(&create.name),
        }],
        Statement::CreateIndex(index) => vec![Op::CreateIndex {
            table: bare(&index.table_name),
            name: index.name.as_ref().map(bare).unwrap_or_default(),
            concurrently: index.concurrently,
        }],
        Statement::Drop {
            object_type, names, ..
        } => {
            let names: Vec<String> = names.iter().map(bare).collect();
            vec![match object_type {
                ObjectType::Table => Op::DropTable { tables: names },
                ObjectType::Index => Op::DropIndex {
                    names,
                    concurrently: false,
                },
                ObjectType::Type => Op::DropType { names },
                _ => Op::Other,
            }]
        }
        Statement::CreateType { name, .. } => vec![Op::CreateType { name: bare(name) }],
        Statement::AlterType(alter) => match &alter.operation {
            AlterTypeOperation::AddValue(add) => vec![Op::AddEnumValue {
                type_name: bare(&alter.name),
                value: add.value.value.clone(),
            }],
            _ => vec![Op::Other],
        },
        Statement::AlterTable(alter) => {
            let table = bare(&alter.name);
            alter
                .operations
                .iter()
                .map(|operation| alter_table(&table, operation))
                .collect()
        }
        Statement::RenameTable(renames) => renames
            .iter()
            .map(|r| Op::RenameTable {
                from: bare(&r.old_name),
                to: bare(&r.new_name),
            })
            .collect(),
        Statement::Update(update) => vec![Op::Update {
            table: update
                .table
                .relation
                .to_string()
                .trim_matches('"')
                .to_ascii_lowercase(),
            filtered: update.selection.is_some(),
        }],
        Statement::Delete(delete) => vec![Op::Delete {
            table: delete
                .tables
                .first()
                .map(bare)
                .unwrap_or_else(|| delete.from.to_string().to_ascii_lowercase()),
            filtered: delete.selection.is_some(),
        }],
        Statement::Insert(insert) => vec![Op::Insert {
            table: insert
                .table
                .to_string()
                .trim_matches('"')
                .to_ascii_lowercase(),
        }],
        _ => vec![Op::Other],
    }
}

fn alter_table(table: &str, operation: &AlterTableOperation) -> Op {
    let table = table.to_string();
    match operation {
        AlterTableOperation::AddColumn { column_def, .. } => add_column(table, column_def),
        AlterTableOperation::DropColumn { column_names, .. } => Op::DropColumn {
            table,
            columns: column_names.iter().map(ident).collect(),
        },
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => Op::RenameColumn {
            table,
            from: ident(old_column_name),
            to: ident(new_column_name),
        },
        AlterTableOperation::RenameTable { table_name } => Op::RenameTable {
            from: table,
            to: match table_name {
                RenameTableNameKind::As(name) | RenameTableNameKind::To(name) => bare(name),
            },
        },
        AlterTableOperation::AlterColumn { column_name, op } => match op {
            AlterColumnOperation::SetNotNull => Op::SetNotNull {
                table,
                column: ident(column_name),
            },
            AlterColumnOperation::SetDataType { .. } => Op::ChangeType {
                table,
                column: ident(column_name),
                enum_values: None,
            },
            _ => Op::Other,
        },
        AlterTableOperation::ModifyColumn {
            col_name,
            data_type,
            ..
        } => Op::ChangeType {
            table,
            column: ident(col_name),
            enum_values: enum_values(data_type),
        },
        AlterTableOperation::ChangeColumn {
            old_name,
            new_name,
            data_type,
            ..
        } if old_name.value.eq_ignore_ascii_case(&new_name.value) => Op::ChangeType {
            table,
            column: ident(old_name),
            enum_values: enum_values(data_type),
        },
        AlterTableOperation::ChangeColumn {
            old_name, new_name, ..
        } => Op::RenameColumn {
            table,
            from: ident(old_name),
            to: ident(new_name),
        },
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid,
        } => match constraint {
            TableConstraint::ForeignKey(_) => Op::AddForeignKey {
                table,
                not_valid: *not_valid,
            },
            TableConstraint::Check(_) => Op::AddCheck {
                table,
                not_valid: *not_valid,
            },
            TableConstraint::Unique(_) => Op::AddUnique {
                table,
                using_index: false,
            },
            TableConstraint::UniqueUsingIndex(_) => Op::AddUnique {
                table,
                using_index: true,
            },
            _ => Op::Other,
        },
        AlterTableOperation::DropConstraint { name, .. }
        | AlterTableOperation::DropForeignKey { name, .. } => Op::DropConstraint {
            table,
            name: ident(name),
        },
        AlterTableOperation::DropIndex { name } => Op::DropIndex {
            names: vec![ident(name)],
            concurrently: false,
        },
        _ => Op::Other,
    }
}

fn add_column(table: String, column: &ColumnDef) -> Op {
    let mut not_null = false;
    let mut default = None;
    for option in &column.options {
        match &option.option {
            ColumnOption::NotNull => not_null = true,
            ColumnOption::Default(expr) => default = Some(expression(expr)),
            ColumnOption::PrimaryKey(_) => not_null = true,
            _ => {}
        }
    }
    if let Some(values) = enum_values(&column.data_type) {
        // MySQL's ENUM NOT NULL takes its first value as the implicit default.
        if default.is_none() && not_null {
            default = values.first().map(|v| format!("'{v}'"));
        }
    }
    Op::AddColumn {
        table,
        column: ident(&column.name),
        not_null,
        default,
    }
}

fn expression(expr: &Expr) -> String {
    expr.to_string()
}

fn enum_values(data_type: &DataType) -> Option<Vec<String>> {
    match data_type {
        DataType::Enum(members, _) => Some(
            members
                .iter()
                .map(|m| match m {
                    sqlparser::ast::EnumMember::Name(name) => name.clone(),
                    sqlparser::ast::EnumMember::NamedValue(name, _) => name.clone(),
                })
                .collect(),
        ),
        _ => None,
    }
}
