//! The schema as one database can hold it, sorted, so that models and introspection compare.
//! Must not import a driver, sqlx or the runner.

use super::{Action, Column, ColumnDefault, ColumnType, Index, Schema, Table, Unique};
use aurora_migrate_core::Database;

impl Schema {
    /// The schema as `kind` can hold it, sorted, so that models and introspection compare:
    /// SQLite has no enum types, time zones, JSONB or comments; MySQL names a UNIQUE or CHECK
    /// on one column after the column, where the others use `t_c_key` and `t_c_check`.
    pub fn normalized(&self, kind: Database) -> Schema {
        let mut schema = self.clone();
        if kind == Database::Mysql {
            for table in &mut schema.tables {
                for column in &mut table.columns {
                    self.without_postgres_types(column);
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
                    self.without_postgres_types(column);
                }
            }
            schema.enums.clear();
        }
        // The database's own text says the same as the model, or more; models never have it.
        for table in &mut schema.tables {
            table.sql = None;
            table.partition_by = None;
            for column in &mut table.columns {
                column.generated = None;
            }
        }
        schema.sort();
        schema
    }

    /// A column as MySQL and SQLite hold it: an enum type becomes its list of values, time
    /// zones and JSONB go, and a boolean's 0 or 1 default reads as false or true.
    fn without_postgres_types(&self, column: &mut Column) {
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
            && let Some(ColumnDefault::Int(n)) = column.default
        {
            column.default = Some(ColumnDefault::Bool(n != 0));
        }
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
        self.left_out.sort();
        self.left_out.dedup();
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
