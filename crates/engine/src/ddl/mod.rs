//! Portable DDL for Rust migrations, built with barrel where barrel is proven right.
//!
//! barrel 0.7 has known faults (unescaped defaults, INTEGER-only foreign keys, invalid SQLite
//! alter forms, panics). This module exposes only the forms its snapshot tests prove correct
//! on every dialect and writes the rest itself. It must not touch a database.

use barrel::backend::{MySql, Pg, SqlGenerator, Sqlite};
use barrel::types as bt;

use crate::sql::quote;
use aurora_migrate_core::Database;
use aurora_migrate_core::source::split;

/// A column type every dialect spells correctly through this module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// An auto-incrementing integer primary key.
    Primary,
    /// An integer (`INTEGER`).
    Integer,
    /// Text of any length.
    Text,
    /// Text of at most the given number of characters.
    Varchar(usize),
    /// A true/false value.
    Boolean,
    /// A double-precision floating-point number.
    Double,
    /// A calendar date.
    Date,
    /// A timestamp without time zone.
    Timestamp,
}

/// A literal default value.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    /// An integer literal.
    Integer(i64),
    /// A boolean literal, written as `0` or `1` outside PostgreSQL.
    Boolean(bool),
    /// A text literal, held without quotes; quotes inside are escaped when rendered.
    Text(String),
}

/// A column of `create_table` or `add_column`.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    name: String,
    ty: Type,
    nullable: bool,
    unique: bool,
    default: Option<DefaultValue>,
}

impl Column {
    /// A NOT NULL column, as barrel makes them by default.
    pub fn new(name: &str, ty: Type) -> Column {
        Column {
            name: name.to_string(),
            ty,
            nullable: false,
            unique: false,
            default: None,
        }
    }

    /// Allows NULL in the column.
    pub fn nullable(mut self) -> Column {
        self.nullable = true;
        self
    }

    /// Makes the column UNIQUE.
    pub fn unique(mut self) -> Column {
        self.unique = true;
        self
    }

    /// Sets the column's default value.
    pub fn default(mut self, value: DefaultValue) -> Column {
        self.default = Some(value);
        self
    }

    fn barrel_type(&self, kind: Database) -> bt::Type {
        let base = match self.ty {
            Type::Primary => return bt::primary(),
            Type::Integer => bt::integer(),
            Type::Text => bt::text(),
            Type::Varchar(len) => bt::varchar(len),
            Type::Boolean => bt::boolean(),
            Type::Double => bt::double(),
            Type::Date => bt::date(),
            Type::Timestamp => bt::datetime(),
        };
        // barrel neither escapes text defaults nor spells booleans for SQLite's type affinity
        // the same way everywhere, so defaults are rendered here and passed through verbatim.
        let base = match &self.default {
            None => base,
            Some(DefaultValue::Integer(n)) => base.default(*n),
            Some(DefaultValue::Boolean(b)) if kind == Database::Postgres => base.default(*b),
            Some(DefaultValue::Boolean(b)) => base.default(i64::from(*b)),
            Some(DefaultValue::Text(text)) => base.default(leak(text.replace('\'', "''"))),
        };
        base.nullable(self.nullable).unique(self.unique)
    }
}

/// barrel wraps names in quotes (backticks on MySQL) without escaping them; doubling any
/// inside keeps a name one identifier.
fn escape(name: &str, kind: Database) -> String {
    match kind {
        // barrel quotes MySQL names with backticks.
        Database::Mysql => name.replace('`', "``"),
        Database::Postgres | Database::Sqlite => name.replace('"', "\"\""),
    }
}

/// barrel keeps defaults as `&'static str`. Migrations run once per process and their text
/// is small, so the leak is bounded by the migrations' own size.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// Collects the statements of one direction of a Rust migration, for one dialect.
pub struct Ddl {
    kind: Database,
    statements: Vec<String>,
    /// The first request this module refuses; the migration fails with it when it runs.
    fault: Option<String>,
}

impl Ddl {
    /// Starts an empty list of statements for the dialect `kind`.
    pub fn new(kind: Database) -> Ddl {
        Ddl {
            kind,
            statements: Vec::new(),
            fault: None,
        }
    }

    /// The database the statements are for, for the rare migration that must differ.
    pub fn dialect(&self) -> Database {
        self.kind
    }

    /// Creates a table with these columns.
    pub fn create_table(&mut self, name: &str, columns: Vec<Column>) {
        let kind = self.kind;
        if let Some(column) = columns.iter().find(|c| !indexable(c, kind)) {
            self.fault = Some(format!("create_table({name}): {}", unindexable(column)));
            return;
        }
        let mut migration = barrel::Migration::new();
        migration.create_table(escape(name, kind), move |table| {
            for column in &columns {
                table.add_column(escape(&column.name, kind), column.barrel_type(kind));
            }
        });
        self.push_barrel(&migration);
    }

    /// Drops a table.
    pub fn drop_table(&mut self, name: &str) {
        let mut migration = barrel::Migration::new();
        migration.drop_table(escape(name, self.kind));
        self.push_barrel(&migration);
    }

    /// Renames table `from` to `to`.
    pub fn rename_table(&mut self, from: &str, to: &str) {
        let mut migration = barrel::Migration::new();
        migration.rename_table(escape(from, self.kind), escape(to, self.kind));
        self.push_barrel(&migration);
    }

    /// One column per statement: barrel's multi-column ALTER is invalid on SQLite. SQLite
    /// cannot add a UNIQUE column, so there uniqueness becomes a unique index.
    pub fn add_column(&mut self, table: &str, column: Column) {
        if !indexable(&column, self.kind) {
            self.fault = Some(format!("add_column({table}): {}", unindexable(&column)));
            return;
        }
        if column.ty == Type::Primary {
            self.fault = Some(format!(
                "add_column({table}, {}): a primary key cannot be added to an existing table; create the table with it",
                column.name
            ));
            return;
        }
        let kind = self.kind;
        let separate_index = kind == Database::Sqlite && column.unique;
        let index_name = format!("{table}_{}_key", column.name);
        let name = column.name.clone();
        let column = Column {
            unique: column.unique && !separate_index,
            ..column
        };
        let mut migration = barrel::Migration::new();
        migration.change_table(escape(table, kind), move |t| {
            t.add_column(escape(&column.name, kind), column.barrel_type(kind));
        });
        self.push_barrel(&migration);
        if separate_index {
            self.create_index(table, &index_name, &[name.as_str()], true);
        }
    }

    /// Written here: barrel panics on SQLite, which supports DROP COLUMN since 3.35.
    pub fn drop_column(&mut self, table: &str, column: &str) {
        self.statements.push(format!(
            "ALTER TABLE {} DROP COLUMN {}",
            quote(table),
            quote(column)
        ));
    }

    /// Creates an index named `name` on `columns` of `table`, unique or not.
    pub fn create_index(&mut self, table: &str, name: &str, columns: &[&str], unique: bool) {
        let (table, name) = (escape(table, self.kind), escape(name, self.kind));
        let columns: Vec<String> = columns.iter().map(|c| escape(c, self.kind)).collect();
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        let sql = match self.kind {
            Database::Postgres => {
                Pg::create_index(&table, None, &name, &index_type(&columns, unique))
            }
            Database::Sqlite => {
                Sqlite::create_index(&table, None, &name, &index_type(&columns, unique))
            }
            Database::Mysql => {
                MySql::create_index(&table, None, &name, &index_type(&columns, unique))
            }
        };
        self.statements
            .push(sql.replace("CREATE  INDEX", "CREATE INDEX"));
    }

    /// Written here: barrel's form lacks `IF EXISTS` handling and is invalid inside ALTER.
    /// MySQL names the table too; the others drop an index by its name alone.
    pub fn drop_index(&mut self, table: &str, name: &str) {
        match self.kind {
            Database::Mysql => {
                self.statements
                    .push(format!("DROP INDEX {} ON {}", quote(name), quote(table)))
            }
            Database::Postgres | Database::Sqlite => {
                self.statements.push(format!("DROP INDEX {}", quote(name)))
            }
        }
    }

    /// A statement barrel cannot express, written for this dialect by the migration.
    pub fn sql(&mut self, statement: &str) {
        self.statements
            .push(statement.trim().trim_end_matches(';').to_string());
    }

    /// The statements, or what this module refused to build.
    pub fn into_statements(self) -> Result<Vec<String>, String> {
        match self.fault {
            Some(fault) => Err(fault),
            None => Ok(self.statements),
        }
    }

    fn push_barrel(&mut self, migration: &barrel::Migration) {
        let text = match self.kind {
            Database::Postgres => migration.make::<Pg>(),
            Database::Sqlite => migration.make::<Sqlite>(),
            Database::Mysql => migration.make::<MySql>(),
        };
        // barrel joins statements with `;`; the splitter knows its quoting rules.
        match split(&text, 1) {
            Ok(statements) => self
                .statements
                .extend(statements.into_iter().map(|s| s.text.into_owned())),
            Err(_) => self.statements.push(text),
        }
    }
}

/// MySQL indexes TEXT only with a key length, which portable DDL does not carry.
fn indexable(column: &Column, kind: Database) -> bool {
    !(kind == Database::Mysql && column.unique && column.ty == Type::Text)
}

fn unindexable(column: &Column) -> String {
    format!(
        "the unique TEXT column {} cannot be indexed on MySQL; use Type::Varchar(n)",
        column.name
    )
}

fn index_type(columns: &[&str], unique: bool) -> bt::Type {
    bt::index(columns.iter().map(|c| c.to_string()).collect::<Vec<_>>()).unique(unique)
}

#[cfg(test)]
mod tests;
