//! The schema as plain data: what the models declare and what introspection reads back, in
//! one shape so the two can be compared. No database, no SQL text beyond expressions.
//! Must not import a driver, sqlx or the runner.

use aurora_migrate_core::Database;

/// Tables and enum types, kept sorted by name so that equal schemas compare equal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// The enum types the schema declares.
    pub enums: Vec<EnumType>,
    /// The schema's tables.
    pub tables: Vec<Table>,
}

/// A named enum type and its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumType {
    /// The enum type's name.
    pub name: String,
    /// The enum's values, in declaration order.
    pub values: Vec<String>,
}

/// A table with its columns, keys, indexes and constraints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// The table's name.
    pub name: String,
    /// The table's columns, in declaration order.
    pub columns: Vec<Column>,
    /// Column names of the primary key, in key order; empty when there is none.
    pub primary_key: Vec<String>,
    /// The table's UNIQUE constraints.
    pub uniques: Vec<Unique>,
    /// The table's indexes.
    pub indexes: Vec<Index>,
    /// The table's foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// The table's CHECK constraints.
    pub checks: Vec<Check>,
}

/// A table column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// The column's portable type.
    pub ty: ColumnType,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// The server default, if any.
    pub default: Option<Default>,
    /// Filled by the database: SERIAL/identity on PostgreSQL, INTEGER PRIMARY KEY on SQLite.
    pub autoincrement: bool,
    /// The column comment, if any.
    pub comment: Option<String>,
}

/// Portable column types; each dialect spells them its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnType {
    /// A 2-byte integer (`SMALLINT`).
    SmallInt,
    /// An integer (`INTEGER`).
    Integer,
    /// An 8-byte integer (`BIGINT`).
    BigInt,
    /// Text of any length.
    Text,
    /// Text of at most the given number of characters.
    Varchar(u32),
    /// A true/false value.
    Boolean,
    /// An exact decimal with the given precision and scale.
    Numeric(u32, u32),
    /// A single-precision floating-point number.
    Real,
    /// A double-precision floating-point number.
    Double,
    /// A date and time without time zone.
    Timestamp,
    /// A date and time with time zone.
    TimestampTz,
    /// A calendar date.
    Date,
    /// A UUID.
    Uuid,
    /// A JSON document.
    Json,
    /// A JSON document in PostgreSQL's binary JSONB form.
    Jsonb,
    /// Binary data.
    Bytes,
    /// A PostgreSQL ENUM type, by name (its values are in [`Schema::enums`]).
    Enum(String),
    /// An enum where the database has no enum types (SQLite): text limited by a CHECK.
    EnumValues(Vec<String>),
    /// A type this crate has no portable name for, as the database spells it.
    Other(String),
}

/// A server default, normalised so that each dialect's spelling compares equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Default {
    /// A boolean literal.
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A text literal, held without quotes.
    Text(String),
    /// `now()` / `CURRENT_TIMESTAMP`.
    Now,
    /// Any other expression, as the database prints it.
    Expr(String),
}

/// A named UNIQUE constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unique {
    /// The constraint's name.
    pub name: String,
    /// The constrained columns, in order.
    pub columns: Vec<String>,
}

/// A named index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// The index's name.
    pub name: String,
    /// The indexed columns, in order.
    pub columns: Vec<String>,
    /// Whether the index is UNIQUE.
    pub unique: bool,
}

/// What a foreign key does to referencing rows on delete or update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `NO ACTION`: fail if referencing rows remain.
    NoAction,
    /// `RESTRICT`: fail at once if referencing rows exist.
    Restrict,
    /// `CASCADE`: delete or update the referencing rows too.
    Cascade,
    /// `SET NULL`: set the referencing columns to NULL.
    SetNull,
    /// `SET DEFAULT`: set the referencing columns to their defaults.
    SetDefault,
}

/// A named foreign key constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// The constraint's name.
    pub name: String,
    /// The referencing columns of this table, in order.
    pub columns: Vec<String>,
    /// The referenced table.
    pub ref_table: String,
    /// The referenced columns, matching `columns` by position.
    pub ref_columns: Vec<String>,
    /// What happens when a referenced row is deleted.
    pub on_delete: Action,
    /// What happens when a referenced key is updated.
    pub on_update: Action,
}

/// A CHECK constraint. Compared by name only, as Alembic does: databases rewrite expressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The constraint's name.
    pub name: String,
    /// The SQL expression every row must satisfy.
    pub expression: String,
}

impl Action {
    /// The action as SQL spells it, such as `SET NULL`.
    pub fn sql(self) -> &'static str {
        match self {
            Action::NoAction => "NO ACTION",
            Action::Restrict => "RESTRICT",
            Action::Cascade => "CASCADE",
            Action::SetNull => "SET NULL",
            Action::SetDefault => "SET DEFAULT",
        }
    }

    /// Reads an action as a database reports it; anything unknown is `NO ACTION`.
    pub fn parse(text: &str) -> Action {
        match text.trim().to_ascii_uppercase().as_str() {
            "RESTRICT" => Action::Restrict,
            "CASCADE" => Action::Cascade,
            "SET NULL" => Action::SetNull,
            "SET DEFAULT" => Action::SetDefault,
            _ => Action::NoAction,
        }
    }
}

impl Column {
    /// A NOT NULL column without default or comment.
    pub fn new(name: &str, ty: ColumnType) -> Column {
        Column {
            name: name.to_string(),
            ty,
            nullable: false,
            default: None,
            autoincrement: false,
            comment: None,
        }
    }

    /// Allows NULL in the column.
    pub fn nullable(mut self) -> Column {
        self.nullable = true;
        self
    }

    /// Sets the server default.
    pub fn default(mut self, default: Default) -> Column {
        self.default = Some(default);
        self
    }

    /// Marks the column as numbered by the database.
    pub fn autoincrement(mut self) -> Column {
        self.autoincrement = true;
        self
    }

    /// Sets the column comment.
    pub fn comment(mut self, comment: &str) -> Column {
        self.comment = Some(comment.to_string());
        self
    }
}

impl Table {
    /// The column with this name, if the table has one.
    pub fn column_named(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

impl Schema {
    /// The table with this name, if the schema has one.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The enum type with this name, if the schema has one.
    pub fn enum_type(&self, name: &str) -> Option<&EnumType> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// The schema as `kind` can hold it, sorted, so that models and introspection compare:
    /// SQLite has no enum types, time zones, JSONB or comments; MySQL names a UNIQUE or CHECK
    /// on one column after the column, where the others use `t_c_key` and `t_c_check`.
    pub fn normalized(&self, kind: Database) -> Schema {
        let mut schema = self.clone();
        if kind == Database::Mysql {
            for table in &mut schema.tables {
                for column in &mut table.columns {
                    column.ty = match &column.ty {
                        ColumnType::Enum(name) => ColumnType::EnumValues(
                            self.enum_type(name)
                                .map(|e| e.values.clone())
                                .unwrap_or_default(),
                        ),
                        ColumnType::TimestampTz => ColumnType::Timestamp,
                        ColumnType::Jsonb => ColumnType::Json,
                        other => other.clone(),
                    };
                    if column.ty == ColumnType::Boolean
                        && let Some(Default::Int(n)) = column.default
                    {
                        column.default = Some(Default::Bool(n != 0));
                    }
                }
                // MySQL keeps a unique index as a unique constraint: one thing, not two.
                let (unique, plain): (Vec<Index>, Vec<Index>) =
                    table.indexes.drain(..).partition(|i| i.unique);
                table.indexes = plain;
                table.uniques.extend(unique.into_iter().map(|i| Unique {
                    name: i.name,
                    columns: i.columns,
                }));
                named_like_postgres(table);
                // InnoDB treats RESTRICT and NO ACTION alike and reports either.
                for key in &mut table.foreign_keys {
                    for action in [&mut key.on_delete, &mut key.on_update] {
                        if *action == Action::Restrict {
                            *action = Action::NoAction;
                        }
                    }
                }
            }
            schema.enums.clear();
        }
        if kind == Database::Sqlite {
            for table in &mut schema.tables {
                let rowid_key = match table.primary_key.as_slice() {
                    [only] => Some(only.clone()),
                    _ => None,
                };
                for column in &mut table.columns {
                    column.comment = None;
                    // Only the single-column INTEGER PRIMARY KEY is numbered by SQLite, and
                    // its INTEGER is 64 bits wide whatever the declared width.
                    column.autoincrement &= rowid_key.as_deref() == Some(column.name.as_str());
                    if column.autoincrement {
                        column.ty = ColumnType::Integer;
                    }
                    column.ty = match &column.ty {
                        ColumnType::Enum(name) => ColumnType::EnumValues(
                            self.enum_type(name)
                                .map(|e| e.values.clone())
                                .unwrap_or_default(),
                        ),
                        ColumnType::TimestampTz => ColumnType::Timestamp,
                        ColumnType::Jsonb => ColumnType::Json,
                        other => other.clone(),
                    };
                    if column.ty == ColumnType::Boolean
                        && let Some(Default::Int(n)) = column.default
                    {
                        column.default = Some(Default::Bool(n != 0));
                    }
                }
            }
            schema.enums.clear();
        }
        schema.sort();
        schema
    }

    /// Sorts tables, enums and every named list by name; columns keep their order.
    pub fn sort(&mut self) {
        self.enums.sort_by(|a, b| a.name.cmp(&b.name));
        self.tables.sort_by(|a, b| a.name.cmp(&b.name));
        for table in &mut self.tables {
            table.uniques.sort_by(|a, b| a.name.cmp(&b.name));
            table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            table.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
            table.checks.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
}

/// Builders, so that models and test cases read as declarations.
impl Table {
    /// An empty table with this name.
    pub fn new(name: &str) -> Table {
        Table {
            name: name.to_string(),
            ..Table::default()
        }
    }

    /// Appends a column.
    pub fn column(mut self, column: Column) -> Table {
        self.columns.push(column);
        self
    }

    /// Sets the primary key columns, in key order.
    pub fn primary_key(mut self, columns: &[&str]) -> Table {
        self.primary_key = strings(columns);
        self
    }

    /// Adds a named UNIQUE constraint over these columns.
    pub fn unique(mut self, name: &str, columns: &[&str]) -> Table {
        self.uniques.push(Unique {
            name: name.to_string(),
            columns: strings(columns),
        });
        self
    }

    /// Adds a named index over these columns, unique or not.
    pub fn index(mut self, name: &str, columns: &[&str], unique: bool) -> Table {
        self.indexes.push(Index {
            name: name.to_string(),
            columns: strings(columns),
            unique,
        });
        self
    }

    /// Adds a named foreign key with this delete action; updates take NO ACTION.
    pub fn foreign_key(
        mut self,
        name: &str,
        columns: &[&str],
        ref_table: &str,
        ref_columns: &[&str],
        on_delete: Action,
    ) -> Table {
        self.foreign_keys.push(ForeignKey {
            name: name.to_string(),
            columns: strings(columns),
            ref_table: ref_table.to_string(),
            ref_columns: strings(ref_columns),
            on_delete,
            on_update: Action::NoAction,
        });
        self
    }

    /// Adds a named CHECK constraint.
    pub fn check(mut self, name: &str, expression: &str) -> Table {
        self.checks.push(Check {
            name: name.to_string(),
            expression: expression.to_string(),
        });
        self
    }
}

impl EnumType {
    /// This value list keeps every value of `from` in its order, only adding some: `ALTER TYPE
    /// ... ADD VALUE` suffices.
    pub fn only_adds_to(&self, from: &EnumType) -> bool {
        let kept: Vec<&String> = self
            .values
            .iter()
            .filter(|v| from.values.contains(v))
            .collect();
        kept.len() == from.values.len() && kept.iter().zip(&from.values).all(|(a, b)| *a == b)
    }

    /// An enum type with these values, in order.
    pub fn new(name: &str, values: &[&str]) -> EnumType {
        EnumType {
            name: name.to_string(),
            values: strings(values),
        }
    }
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl std::fmt::Display for ColumnType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ColumnType::SmallInt => write!(f, "SMALLINT"),
            ColumnType::Integer => write!(f, "INTEGER"),
            ColumnType::BigInt => write!(f, "BIGINT"),
            ColumnType::Text => write!(f, "TEXT"),
            ColumnType::Varchar(n) => write!(f, "VARCHAR({n})"),
            ColumnType::Boolean => write!(f, "BOOLEAN"),
            ColumnType::Numeric(p, s) => write!(f, "NUMERIC({p}, {s})"),
            ColumnType::Real => write!(f, "REAL"),
            ColumnType::Double => write!(f, "DOUBLE PRECISION"),
            ColumnType::Timestamp => write!(f, "TIMESTAMP"),
            ColumnType::TimestampTz => write!(f, "TIMESTAMPTZ"),
            ColumnType::Date => write!(f, "DATE"),
            ColumnType::Uuid => write!(f, "UUID"),
            ColumnType::Json => write!(f, "JSON"),
            ColumnType::Jsonb => write!(f, "JSONB"),
            ColumnType::Bytes => write!(f, "BYTES"),
            ColumnType::Enum(name) => write!(f, "ENUM {name}"),
            ColumnType::EnumValues(values) => write!(f, "ENUM ({})", values.join(", ")),
            ColumnType::Other(text) => write!(f, "{text}"),
        }
    }
}

impl std::fmt::Display for Default {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Default::Bool(b) => write!(f, "{b}"),
            Default::Int(n) => write!(f, "{n}"),
            Default::Text(text) => write!(f, "'{}'", text.replace('\'', "''")),
            Default::Now => write!(f, "now()"),
            Default::Expr(expr) => write!(f, "{expr}"),
        }
    }
}

/// A UNIQUE or CHECK named after its one column (MySQL's own naming) takes PostgreSQL's
/// default name, as the models spell it.
fn named_like_postgres(table: &mut Table) {
    let columns: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
    for unique in &mut table.uniques {
        if unique.columns == [unique.name.clone()] {
            unique.name = format!("{}_{}_key", table.name, unique.name);
        }
    }
    for check in &mut table.checks {
        if columns.contains(&check.name) {
            check.name = format!("{}_{}_check", table.name, check.name);
        }
    }
}
