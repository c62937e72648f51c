//! Throwaway databases beside a server, per database: created, dropped, listed by prefix, and
//! dropped only when unused (making one is the schema tools' business, so `autogenerate`'s).
//! SQLite's are files, which the scratch module handles itself. Must not import the runner.

use crate::error::{Error, Result};
use crate::url::DatabaseUrl;
use aurora_migrate_core::Database;

/// Creates the database `name` beside `server`.
#[cfg(feature = "autogenerate")]
pub(crate) async fn create(server: &DatabaseUrl, name: &str) -> Result<()> {
    #[cfg(not(any(feature = "postgres", feature = "mysql")))]
    let _ = name;
    match server.kind() {
        #[cfg(feature = "postgres")]
        Database::Postgres => crate::driver::postgres::create_database(server, name).await,
        #[cfg(feature = "mysql")]
        Database::Mysql => crate::driver::mysql::create_database(server, name).await,
        #[allow(unreachable_patterns)]
        other => Err(Error::ScratchUnsupported(other)),
    }
}

/// Drops the database `name` beside `server`, if it is there.
#[cfg(feature = "autogenerate")]
pub(crate) async fn drop(server: &DatabaseUrl, name: &str) -> Result<()> {
    #[cfg(not(any(feature = "postgres", feature = "mysql")))]
    let _ = name;
    match server.kind() {
        #[cfg(feature = "postgres")]
        Database::Postgres => crate::driver::postgres::drop_database(server, name).await,
        #[cfg(feature = "mysql")]
        Database::Mysql => crate::driver::mysql::drop_database(server, name).await,
        #[allow(unreachable_patterns)]
        _ => Ok(()),
    }
}

/// The databases beside `server` whose names start with one of `prefixes`, with how many
/// sessions each has.
pub(crate) async fn list(server: &DatabaseUrl, prefixes: &[&str]) -> Result<Vec<(String, u64)>> {
    #[cfg(not(any(feature = "postgres", feature = "mysql")))]
    let _ = prefixes;
    match server.kind() {
        #[cfg(feature = "postgres")]
        Database::Postgres => crate::driver::postgres::databases_like(server, prefixes).await,
        #[cfg(feature = "mysql")]
        Database::Mysql => crate::driver::mysql::databases_like(server, prefixes).await,
        Database::Sqlite => Ok(Vec::new()),
        #[allow(unreachable_patterns)]
        other => Err(Error::ScratchUnsupported(other)),
    }
}

/// Drops `name` unless a session uses it: PostgreSQL refuses to drop a database a session is
/// connected to; MySQL does not, so there the sessions counted when listing are the check.
pub(crate) async fn drop_if_unused(server: &DatabaseUrl, name: &str) -> Result<bool> {
    #[cfg(not(any(feature = "postgres", feature = "mysql")))]
    let _ = name;
    match server.kind() {
        #[cfg(feature = "postgres")]
        Database::Postgres => crate::driver::postgres::drop_if_unused(server, name).await,
        #[cfg(feature = "mysql")]
        Database::Mysql => crate::driver::mysql::drop_database(server, name)
            .await
            .map(|()| true),
        _ => Ok(false),
    }
}
