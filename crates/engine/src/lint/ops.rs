//! Statements as the SQL parser reads them (`sql::reading`, shared with the production guard)
//! reduced to the operations the rules judge: what is created, altered, dropped, renamed,
//! locked or rewritten, and how, beside what the statement destroys (`sql::effects`, the same
//! analysis the guard makes). A statement the parser cannot read is kept as such, never
//! guessed at. Pure: must not import the drivers or the runner.

mod alter;

use sqlparser::ast::{LockTableType, ObjectName, ObjectType, Statement};

use crate::sql::effects::{self, Loss};
use crate::sql::reading::{self, Known, Reading};
use aurora_migrate_core::Database;

/// What one statement does, as far as the rules care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Op {
    CreateTable {
        table: String,
    },
    CreateIndex {
        table: String,
        name: String,
        columns: Vec<String>,
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
    /// A view; a materialized one holds rows and can be refreshed.
    CreateView {
        name: String,
    },
    AddColumn {
        table: String,
        column: String,
        not_null: bool,
        default: Option<String>,
        /// What makes the database fill every existing row (`serial`, an identity, a stored
        /// generated column, `AUTO_INCREMENT`), and whether it is a stored generated column.
        rewrite: Option<Rewrite>,
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
    AddPrimaryKey {
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
    /// `LOCK TABLE`, `LOCK TABLES`.
    Lock {
        tables: Vec<String>,
        mode: String,
    },
    Vacuum {
        table: Option<String>,
        full: bool,
    },
    Cluster {
        table: Option<String>,
    },
    Reindex {
        target: String,
        concurrently: bool,
    },
    Refresh {
        view: String,
        concurrently: bool,
    },
    /// What the statement destroys, as the guard judges it.
    Loses(Loss),
    /// Anything the rules do not judge.
    Other,
}

/// Why an added column fills every existing row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rewrite {
    /// `serial`, `bigserial`, ...
    Serial,
    /// `GENERATED ... AS IDENTITY`.
    Identity,
    /// `AUTO_INCREMENT`.
    AutoIncrement,
    /// `GENERATED ALWAYS AS (...) STORED`.
    StoredGenerated,
}

impl Rewrite {
    pub(super) fn describe(self) -> &'static str {
        match self {
            Rewrite::Serial => "a serial column",
            Rewrite::Identity => "an identity column",
            Rewrite::AutoIncrement => "an AUTO_INCREMENT column",
            Rewrite::StoredGenerated => "a stored generated column",
        }
    }
}

/// A statement as read: its operations, or why the parser could not read it.
pub(super) type Read = Result<Vec<Op>, String>;

/// Reads one statement on `database`.
pub(super) fn read(text: &str, database: Database) -> Read {
    let reading = reading::read(text, database);
    let mut ops: Vec<Op> = match &reading {
        Reading::Parsed {
            statements,
            drop_concurrently,
        } => statements
            .iter()
            .flat_map(ops)
            .map(|op| match op {
                Op::DropIndex { names, .. } if *drop_concurrently => Op::DropIndex {
                    names,
                    concurrently: true,
                },
                other => other,
            })
            .collect(),
        Reading::Known(known) => vec![match known.clone() {
            Known::Cluster { table } => Op::Cluster { table },
            Known::Reindex {
                target,
                concurrently,
            } => Op::Reindex {
                target,
                concurrently,
            },
            Known::Vacuum { full, table } => Op::Vacuum { table, full },
        }],
        Reading::Unreadable(message) => return Err(message.clone()),
    };
    ops.extend(
        effects::of_reading(&reading, text, database)
            .into_iter()
            .map(Op::Loses),
    );
    Ok(ops)
}

/// The last part of a name, unquoted and in lower case, as the rules compare names.
pub(super) fn bare(name: &ObjectName) -> String {
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
        Statement::CreateView(view) => vec![Op::CreateView {
            name: bare(&view.name),
        }],
        Statement::CreateIndex(index) => vec![Op::CreateIndex {
            table: bare(&index.table_name),
            name: index.name.as_ref().map(bare).unwrap_or_default(),
            columns: index
                .columns
                .iter()
                .map(|c| {
                    c.column
                        .expr
                        .to_string()
                        .trim_matches(['"', '`'])
                        .to_ascii_lowercase()
                })
                .collect(),
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
            sqlparser::ast::AlterTypeOperation::AddValue(add) => vec![Op::AddEnumValue {
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
                .map(|operation| alter::operation(&table, operation))
                .collect()
        }
        Statement::RenameTable(renames) => renames
            .iter()
            .map(|r| Op::RenameTable {
                from: bare(&r.old_name),
                to: bare(&r.new_name),
            })
            .collect(),
        Statement::Lock(lock) => vec![Op::Lock {
            tables: lock.tables.iter().map(|t| bare(&t.name)).collect(),
            mode: lock
                .lock_mode
                .as_ref()
                .map_or("ACCESS EXCLUSIVE".into(), |m| m.to_string()),
        }],
        Statement::LockTables { tables } => vec![Op::Lock {
            tables: tables.iter().map(|t| ident(&t.table)).collect(),
            mode: match tables
                .iter()
                .any(|t| matches!(t.lock_type, LockTableType::Write { .. }))
            {
                true => "WRITE".into(),
                false => "READ".into(),
            },
        }],
        Statement::Vacuum(vacuum) => vec![Op::Vacuum {
            table: vacuum.table_name.as_ref().map(bare),
            full: vacuum.full,
        }],
        Statement::RefreshMaterializedView(refresh) => vec![Op::Refresh {
            view: bare(&refresh.name),
            concurrently: refresh.concurrently,
        }],
        _ => vec![Op::Other],
    }
}
