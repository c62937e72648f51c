//! What a run sends, as text a script prints: each database's step, transaction and session,
//! from the same functions its driver sends them with. Pure text: must not touch a connection.

#[cfg(feature = "offline")]
use super::Work;
#[cfg(feature = "offline")]
use super::framing::Script;
#[cfg(feature = "offline")]
use super::framing::in_transaction;
#[cfg(feature = "offline")]
use crate::bookkeeping::Tables;
#[cfg(feature = "offline")]
use crate::error::{Error, Result};
use aurora_migrate_core::Database;

/// The session settings any script for `kind` starts with, as the driver sets them on its
/// connection: MySQL reads identifiers in double quotes, SQLite leaves foreign keys to the
/// guard.
#[cfg(feature = "autogenerate")]
pub(crate) fn settings(kind: Database) -> String {
    match kind {
        #[cfg(feature = "sqlite")]
        Database::Sqlite => super::sqlite::script::SETTINGS.to_string(),
        #[cfg(feature = "mysql")]
        Database::Mysql => format!("{};\n", super::mysql::script::ANSI_QUOTES),
        _ => String::new(),
    }
}

#[cfg(feature = "offline")]
/// The session around a script on `kind`.
pub(crate) fn session(kind: Database, tables: &Tables) -> Result<Script> {
    #[cfg(not(any(feature = "postgres", feature = "mysql")))]
    let _ = tables;
    match kind {
        #[cfg(feature = "postgres")]
        Database::Postgres => Ok(super::postgres::script::script(tables)),
        #[cfg(feature = "sqlite")]
        Database::Sqlite => Ok(super::sqlite::script::script()),
        #[cfg(feature = "mysql")]
        Database::Mysql => Ok(super::mysql::script::script(tables)),
        #[allow(unreachable_patterns)]
        missing => Err(Error::DriverMissing(missing)),
    }
}

#[cfg(feature = "offline")]
/// One step on `kind`, as the driver would send it.
pub(crate) fn step(kind: Database, work: &Work<'_>) -> Result<String> {
    match kind {
        #[cfg(feature = "postgres")]
        Database::Postgres => Ok(super::postgres::script::script_step(work)),
        #[cfg(feature = "sqlite")]
        Database::Sqlite => Ok(super::sqlite::script::script_step(work)),
        #[cfg(feature = "mysql")]
        Database::Mysql => Ok(super::mysql::script::script_step(work)),
        #[allow(unreachable_patterns)]
        missing => {
            let _ = work;
            Err(Error::DriverMissing(missing))
        }
    }
}

#[cfg(feature = "offline")]
/// What stops a script on `kind` before its first change unless the version table holds
/// exactly `rows`.
pub(crate) fn expect_rows(kind: Database, tables: &Tables, rows: &[&str]) -> Result<String> {
    #[cfg(not(any(feature = "postgres", feature = "mysql", feature = "sqlite")))]
    let _ = (tables, rows);
    match kind {
        #[cfg(feature = "postgres")]
        Database::Postgres => Ok(super::postgres::script::expect_rows(tables, rows)),
        #[cfg(feature = "sqlite")]
        Database::Sqlite => Ok(super::sqlite::script::expect_rows(tables, rows)),
        #[cfg(feature = "mysql")]
        Database::Mysql => Ok(super::mysql::script::expect_rows(tables, rows)),
        #[allow(unreachable_patterns)]
        missing => Err(Error::DriverMissing(missing)),
    }
}

#[cfg(feature = "offline")]
/// `statements` in one transaction on `kind`, opened as its driver opens one.
pub(crate) fn transaction(kind: Database, statements: &[String]) -> Result<String> {
    let begin = match kind {
        #[cfg(feature = "postgres")]
        Database::Postgres => super::postgres::script::BEGIN,
        #[cfg(feature = "sqlite")]
        Database::Sqlite => super::sqlite::script::BEGIN,
        #[cfg(feature = "mysql")]
        Database::Mysql => super::mysql::script::BEGIN,
        #[allow(unreachable_patterns)]
        missing => return Err(Error::DriverMissing(missing)),
    };
    Ok(in_transaction(begin, statements))
}
