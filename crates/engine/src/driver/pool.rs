//! The service's own pool, of whichever database it is: what a runner takes its connection
//! from when the service migrates at start. Must not import the runner.

use aurora_migrate_core::Database;

/// A service's sqlx pool.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Pool {
    /// A PostgreSQL pool.
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
    /// A SQLite pool.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
    /// A MySQL/MariaDB pool.
    #[cfg(feature = "mysql")]
    Mysql(sqlx::MySqlPool),
}

impl Pool {
    /// The database family.
    pub fn kind(&self) -> Database {
        match self {
            #[cfg(feature = "postgres")]
            Pool::Postgres(_) => Database::Postgres,
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(_) => Database::Sqlite,
            #[cfg(feature = "mysql")]
            Pool::Mysql(_) => Database::Mysql,
        }
    }
}

macro_rules! from_pool {
    ($feature:literal, $pool:ty, $variant:ident) => {
        #[cfg(feature = $feature)]
        impl From<$pool> for Pool {
            fn from(pool: $pool) -> Pool {
                Pool::$variant(pool)
            }
        }

        #[cfg(feature = $feature)]
        impl From<&$pool> for Pool {
            fn from(pool: &$pool) -> Pool {
                Pool::$variant(pool.clone())
            }
        }
    };
}

from_pool!("postgres", sqlx::PgPool, Postgres);
from_pool!("sqlite", sqlx::SqlitePool, Sqlite);
from_pool!("mysql", sqlx::MySqlPool, Mysql);
