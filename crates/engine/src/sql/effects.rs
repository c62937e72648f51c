//! What a statement destroys, judged from the SQL parser's reading of it (`sql::reading`): the
//! tables and columns it drops, the rows it deletes or overwrites, the values it converts, what
//! a `CASCADE` takes with it, and what cannot be judged at all (a statement the parser cannot
//! read, a procedure or a function called for its effects), which counts as possibly
//! destructive. The one analysis the production guard and lint share. Pure: must not import
//! the drivers or the runner.

mod calls;
mod statement;

#[cfg(feature = "mysql")]
pub(crate) use statement::name;

use aurora_migrate_core::Database;

use super::reading::{self, Reading};

/// A table's name as the database resolves it: each part unquoted, an unquoted part folded as
/// the database folds it (PostgreSQL: lower case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    parts: Vec<String>,
}

impl Name {
    /// From its parts, already folded.
    pub(crate) fn new(parts: Vec<String>) -> Name {
        Name { parts }
    }

    /// `schema.table`, as written back to a person.
    pub(crate) fn path(&self) -> String {
        self.parts.join(".")
    }

    /// Each part quoted, for a query.
    pub(crate) fn quoted(&self) -> String {
        self.parts
            .iter()
            .map(|p| super::quote(p))
            .collect::<Vec<_>>()
            .join(".")
    }

    /// The schema, when the name has one, and the table.
    #[cfg(feature = "mysql")]
    pub(crate) fn schema_and_table(&self) -> (Option<&str>, &str) {
        match self.parts.as_slice() {
            [.., schema, table] => (Some(schema), table),
            [table] => (None, table),
            [] => (None, ""),
        }
    }

    /// The last part in lower case, as lint compares names.
    #[cfg(feature = "lint")]
    pub(crate) fn bare(&self) -> String {
        self.parts
            .last()
            .map(|p| p.to_ascii_lowercase())
            .unwrap_or_default()
    }
}

/// How a statement changes a table's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowChange {
    /// `TRUNCATE`.
    Emptied,
    /// `DELETE`; `every` without `WHERE`.
    Deleted {
        /// No `WHERE`: every row.
        every: bool,
    },
    /// `UPDATE`; `every` without `WHERE`.
    Overwritten {
        /// No `WHERE`: every row.
        every: bool,
    },
    /// `MERGE`, which may delete or update.
    Merged,
    /// `REPLACE INTO`, `INSERT OR REPLACE`: a conflicting row is deleted first.
    Replaced,
    /// `ON CONFLICT DO UPDATE`, `ON DUPLICATE KEY UPDATE`.
    Upserted,
    /// Partitions dropped with their rows.
    Partitions,
}

/// One thing a statement destroys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Loss {
    /// The table and its rows.
    Table(Name),
    /// A column and its values.
    Column {
        /// The table.
        table: Name,
        /// The column (folded).
        column: String,
    },
    /// Rows of the table.
    Rows {
        /// The table.
        table: Name,
        /// How.
        change: RowChange,
    },
    /// A column's values converted to another type (`ALTER COLUMN ... TYPE ... USING`,
    /// `MODIFY`), which may lose what the new type cannot hold.
    Converted {
        /// The table.
        table: Name,
        /// The column (folded).
        column: String,
    },
    /// A type or domain dropped with `CASCADE`, and with it every column of that type: the
    /// database can list them.
    TypeColumns {
        /// `type` or `domain`.
        kind: &'static str,
        /// The type.
        name: Name,
    },
    /// Objects the statement does not name, taken with what it drops: what a `CASCADE`
    /// reaches, everything in a schema or a database. They cannot be counted before.
    Dependents(String),
    /// What the statement does cannot be judged: the reason.
    Unjudged(String),
}

impl Loss {
    /// The table whose rows are at stake, when one can be named.
    pub(crate) fn table(&self) -> Option<&Name> {
        match self {
            Loss::Table(table)
            | Loss::Column { table, .. }
            | Loss::Rows { table, .. }
            | Loss::Converted { table, .. } => Some(table),
            Loss::TypeColumns { .. } | Loss::Dependents(_) | Loss::Unjudged(_) => None,
        }
    }
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Loss::Table(table) => write!(f, "drops table {}", table.path()),
            Loss::Column { table, column } => {
                write!(f, "drops column {}.{column}", table.path())
            }
            Loss::Rows { table, change } => {
                let table = table.path();
                match change {
                    RowChange::Emptied => write!(f, "empties {table}"),
                    RowChange::Deleted { every: true } => {
                        write!(f, "deletes every row of {table}")
                    }
                    RowChange::Deleted { every: false } => write!(f, "deletes rows of {table}"),
                    RowChange::Overwritten { every: true } => {
                        write!(f, "overwrites every row of {table}")
                    }
                    RowChange::Overwritten { every: false } => {
                        write!(f, "overwrites rows of {table}")
                    }
                    RowChange::Merged => {
                        write!(f, "merges into {table}, which may delete or overwrite rows")
                    }
                    RowChange::Replaced => {
                        write!(f, "replaces the rows of {table} it conflicts with")
                    }
                    RowChange::Upserted => {
                        write!(f, "overwrites the rows of {table} it conflicts with")
                    }
                    RowChange::Partitions => {
                        write!(f, "drops partitions of {table} with their rows")
                    }
                }
            }
            Loss::Converted { table, column } => write!(
                f,
                "converts the values of {}.{column} to another type",
                table.path()
            ),
            Loss::TypeColumns { kind, name } => write!(
                f,
                "drops {kind} {} with CASCADE, and with it every column of that {kind}",
                name.path()
            ),
            Loss::Dependents(what) => write!(f, "drops {what}, which cannot be counted before"),
            Loss::Unjudged(why) => write!(f, "cannot be judged ({why}): possibly destructive"),
        }
    }
}

/// What one statement's text destroys on `database`.
pub(crate) fn losses(text: &str, database: Database) -> Vec<Loss> {
    of_reading(&reading::read(text, database), text, database)
}

/// What a statement destroys, from the parser's reading of its `text`.
pub(crate) fn of_reading(reading: &Reading, text: &str, database: Database) -> Vec<Loss> {
    match reading {
        Reading::Parsed { statements, .. } => {
            let mut found: Vec<Loss> = statements
                .iter()
                .flat_map(|s| statement::losses(s, database))
                .collect();
            // A query run for its effects: the functions it calls are what it does.
            if statements.iter().any(|s| {
                matches!(s, sqlparser::ast::Statement::Query(q) if !matches!(
                    *q.body,
                    sqlparser::ast::SetExpr::Insert(_)
                        | sqlparser::ast::SetExpr::Update(_)
                        | sqlparser::ast::SetExpr::Delete(_)
                        | sqlparser::ast::SetExpr::Merge(_)
                ))
            }) {
                found.extend(calls::opaque(text, database).into_iter().map(|f| {
                    Loss::Unjudged(format!("it calls {f}(), whose effects cannot be seen"))
                }));
            }
            found
        }
        Reading::Known(_) => Vec::new(),
        Reading::Unreadable(message) => vec![unreadable(database, message)],
    }
}

/// The loss of a statement the parser cannot read.
pub(crate) fn unreadable(database: Database, message: &str) -> Loss {
    Loss::Unjudged(format!(
        "the {} SQL parser cannot read it: {message}",
        database.name()
    ))
}

#[cfg(test)]
mod tests;
