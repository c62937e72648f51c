//! Reads a live database's schema into the same [`Schema`] the models build, ignoring the
//! tool's own tables.

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
    let ignored = [bare(&tables.version), bare(&tables.log)];
    let result = match connection {
        Connection::Postgres(c) => postgres::introspect(c.raw(), &ignored).await,
        Connection::Sqlite(c) => sqlite::introspect(c.raw(), &ignored).await,
        Connection::Mysql(_) => return Err(Error::Refused(MYSQL_UNSUPPORTED.into())),
    };
    result.map_err(|e| Error::database("cannot read the database schema", e))
}

/// Autogenerate and the models' half of `check` read PostgreSQL and SQLite schemas only.
pub const MYSQL_UNSUPPORTED: &str = "reading a MySQL/MariaDB schema is not supported: compare the models with the migrations \
     in a throwaway PostgreSQL or SQLite database instead, with --scratch-url";

/// The table name without its schema.
fn bare(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}
