//! The schema as plain data: what the models declare and what introspection reads back, in
//! one shape so the two can be compared, with what the database holds beyond them (objects it
//! keeps as SQL text, and what is left out). No database access.
//! Must not import a driver, sqlx or the runner.

mod build;
mod normalize;

/// Tables and enum types, kept sorted by name so that equal schemas compare equal, and what
/// the database holds beyond them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// The enum types the schema declares.
    pub enums: Vec<EnumType>,
    /// The schema's tables.
    pub tables: Vec<Table>,
    /// Objects the database keeps as their own SQL text (views, triggers, expression
    /// indexes), carried as that text, in an order that applies.
    pub definitions: Vec<Definition>,
    /// What the catalog holds that this schema does not carry: filled by introspection, so
    /// that whoever writes the schema out can say what it leaves out.
    pub left_out: Vec<LeftOut>,
}

/// An object carried as the SQL text that creates it, exactly as the database keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// What it is, as SQL names it after `DROP`: `VIEW`, `TRIGGER`, `INDEX`, `PROCEDURE`...
    pub kind: String,
    /// Its name.
    pub name: String,
    /// The table it belongs to, for a trigger or an index.
    pub table: Option<String>,
    /// The statement that creates it, without a closing `;`.
    pub sql: String,
    /// What its drop needs beyond its name, on PostgreSQL: the argument types that tell an
    /// overloaded function or procedure apart, `(integer, text)`; the storage options a table
    /// resets, `(fillfactor)`; the type of a column whose collation is reset, `text`.
    pub arguments: Option<String>,
}

/// One object the catalog holds that the schema does not carry, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LeftOut {
    /// What it is, in words: `view`, `trigger`, `generated column`...
    pub kind: String,
    /// Its name, qualified by its table where it has one, as SQL quotes it.
    pub name: String,
    /// Why it is not carried, or what becomes of it.
    pub why: String,
}

impl Definition {
    /// Whether it is created before the tables, because their columns may need it: an
    /// extension (which brings types), a sequence (which a default may read), a domain or a
    /// type.
    pub fn before_tables(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "EXTENSION" | "SEQUENCE" | "DOMAIN" | "TYPE"
        )
    }
}

impl LeftOut {
    /// One object left out: `name` is given unquoted and is quoted here, `table` qualifies it.
    pub fn new(kind: &str, table: Option<&str>, name: &str, why: &str) -> LeftOut {
        let name = match table {
            Some(table) => format!("{}.{}", crate::sql::quote(table), crate::sql::quote(name)),
            None => crate::sql::quote(name),
        };
        LeftOut {
            kind: kind.to_string(),
            name,
            why: why.to_string(),
        }
    }
}

impl std::fmt::Display for LeftOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({})", self.kind, self.name, self.why)
    }
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
    /// The database's own CREATE TABLE text, where the model cannot say the table exactly
    /// (SQLite: generated columns, WITHOUT ROWID, STRICT, collations, conflict clauses...);
    /// written as it is instead of the model. Never compared: `normalized` drops it.
    pub sql: Option<String>,
    /// PostgreSQL's partition key in its own words, `PARTITION BY RANGE (at)`, written after
    /// the column list; each partition is attached by a [`Definition`] of its own. Never
    /// compared: `normalized` drops it.
    pub partition_by: Option<String>,
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
    pub default: Option<ColumnDefault>,
    /// Filled by the database: SERIAL/identity on PostgreSQL, INTEGER PRIMARY KEY on SQLite.
    pub autoincrement: bool,
    /// The column comment, if any.
    pub comment: Option<String>,
    /// How the database computes the value, in its own words, where the model has no place
    /// for it: PostgreSQL's `GENERATED ALWAYS AS (expr) STORED` or `GENERATED BY DEFAULT AS
    /// IDENTITY (SEQUENCE NAME ...)`. Written after the column's type as it is; never
    /// compared (`normalized` drops it), as models never have it.
    pub generated: Option<String>,
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
pub enum ColumnDefault {
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

impl std::fmt::Display for ColumnDefault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ColumnDefault::Bool(b) => write!(f, "{b}"),
            ColumnDefault::Int(n) => write!(f, "{n}"),
            ColumnDefault::Text(text) => write!(f, "'{}'", text.replace('\'', "''")),
            ColumnDefault::Now => write!(f, "now()"),
            ColumnDefault::Expr(expr) => write!(f, "{expr}"),
        }
    }
}
