//! The schema as plain data: what the models declare and what introspection reads back, in
//! one shape so the two can be compared. No database, no SQL text beyond expressions.

use crate::dialect::Kind;

/// Tables and enum types, kept sorted by name so that equal schemas compare equal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    pub enums: Vec<EnumType>,
    pub tables: Vec<Table>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumType {
    pub name: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// Column names of the primary key, in key order; empty when there is none.
    pub primary_key: Vec<String>,
    pub uniques: Vec<Unique>,
    pub indexes: Vec<Index>,
    pub foreign_keys: Vec<ForeignKey>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    pub nullable: bool,
    pub default: Option<Default>,
    /// Filled by the database: SERIAL/identity on PostgreSQL, INTEGER PRIMARY KEY on SQLite.
    pub autoincrement: bool,
    pub comment: Option<String>,
}

/// Portable column types; each dialect spells them its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnType {
    SmallInt,
    Integer,
    BigInt,
    Text,
    Varchar(u32),
    Boolean,
    Numeric(u32, u32),
    Real,
    Double,
    Timestamp,
    TimestampTz,
    Date,
    Uuid,
    Json,
    Jsonb,
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
    Bool(bool),
    Int(i64),
    Text(String),
    /// `now()` / `CURRENT_TIMESTAMP`.
    Now,
    /// Any other expression, as the database prints it.
    Expr(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unique {
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    pub on_delete: Action,
    pub on_update: Action,
}

/// A CHECK constraint. Compared by name only, as Alembic does: databases rewrite expressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub expression: String,
}

impl Action {
    pub fn sql(self) -> &'static str {
        match self {
            Action::NoAction => "NO ACTION",
            Action::Restrict => "RESTRICT",
            Action::Cascade => "CASCADE",
            Action::SetNull => "SET NULL",
            Action::SetDefault => "SET DEFAULT",
        }
    }

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

    pub fn nullable(mut self) -> Column {
        self.nullable = true;
        self
    }

    pub fn default(mut self, default: Default) -> Column {
        self.default = Some(default);
        self
    }

    pub fn autoincrement(mut self) -> Column {
        self.autoincrement = true;
        self
    }

    pub fn comment(mut self, comment: &str) -> Column {
        self.comment = Some(comment.to_string());
        self
    }
}

impl Table {
    pub fn column_named(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    pub fn enum_type(&self, name: &str) -> Option<&EnumType> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// The schema as `kind` can hold it, sorted, so that models and introspection compare:
    /// SQLite has no enum types, time zones, JSONB or comments.
    pub fn normalized(&self, kind: Kind) -> Schema {
        let mut schema = self.clone();
        if kind == Kind::Mysql {
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
        if kind == Kind::Sqlite {
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
    pub fn new(name: &str) -> Table {
        Table {
            name: name.to_string(),
            ..Table::default()
        }
    }

    pub fn column(mut self, column: Column) -> Table {
        self.columns.push(column);
        self
    }

    pub fn primary_key(mut self, columns: &[&str]) -> Table {
        self.primary_key = strings(columns);
        self
    }

    pub fn unique(mut self, name: &str, columns: &[&str]) -> Table {
        self.uniques.push(Unique {
            name: name.to_string(),
            columns: strings(columns),
        });
        self
    }

    pub fn index(mut self, name: &str, columns: &[&str], unique: bool) -> Table {
        self.indexes.push(Index {
            name: name.to_string(),
            columns: strings(columns),
            unique,
        });
        self
    }

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

    pub fn check(mut self, name: &str, expression: &str) -> Table {
        self.checks.push(Check {
            name: name.to_string(),
            expression: expression.to_string(),
        });
        self
    }
}

impl EnumType {
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
