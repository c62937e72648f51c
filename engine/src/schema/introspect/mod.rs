//! Reads a live database's schema into the same [`Schema`] the models build, ignoring the
//! tool's own tables.

mod mysql;
mod postgres;
mod sqlite;
pub mod sqlite_ddl;

use crate::dialect::Connection;
use crate::error::{Error, Result};
use crate::runner::Tables;
use crate::schema::model::Schema;

/// A schema and how many queries reading it took.
#[derive(Debug, Clone)]
pub struct Introspection {
    pub schema: Schema,
    pub queries: usize,
}

pub async fn introspect(connection: &mut Connection, tables: &Tables) -> Result<Introspection> {
    let ignored = [
        tables.bare_version(),
        tables.bare_log(),
        tables.bare_dirty(),
    ];
    let result = match connection {
        Connection::Postgres(c) => postgres::introspect(c.raw(), &ignored).await,
        Connection::Sqlite(c) => sqlite::introspect(c.raw(), &ignored).await,
        Connection::Mysql(c) => mysql::introspect(c.raw(), &ignored).await,
    };
    result.map_err(|e| Error::database("cannot read the database schema", e))
}
