//! Builders, so that models and test cases read as declarations. Must not import a driver,
//! sqlx or the runner.

use super::{
    Action, Check, Column, ColumnDefault, ColumnType, EnumType, ForeignKey, Index, Table, Unique,
};

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
            generated: None,
        }
    }

    /// Allows NULL in the column.
    pub fn nullable(mut self) -> Column {
        self.nullable = true;
        self
    }

    /// Sets the server default.
    pub fn default(mut self, default: ColumnDefault) -> Column {
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
