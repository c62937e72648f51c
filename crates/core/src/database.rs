//! The database families a migration is written for. Names only: must not import anything.

use std::fmt;

/// A database family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Database {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
    /// MySQL and MariaDB.
    Mysql,
}

impl Database {
    /// Every family, in the order sections list them.
    pub const ALL: [Database; 3] = [Database::Postgres, Database::Sqlite, Database::Mysql];

    /// The name used in section markers (`-- migrate:upgrade postgresql`).
    pub fn name(self) -> &'static str {
        match self {
            Database::Postgres => "postgresql",
            Database::Sqlite => "sqlite",
            Database::Mysql => "mysql",
        }
    }

    /// The family a section marker names.
    pub fn from_name(name: &str) -> Option<Database> {
        Database::ALL.into_iter().find(|d| d.name() == name)
    }
}

impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
