//! PostgreSQL: an advisory lock polled with `pg_try_advisory_lock` (so a waiting runner never
//! holds a snapshot that `CREATE INDEX CONCURRENTLY` would wait for), and each transactional
//! step sent as one simple-query message: `BEGIN; ...; bookkeeping; COMMIT`. Everything this
//! database knows lives in this folder; must not import the runner.

mod apply;
pub(crate) mod backfill;
#[cfg(feature = "autogenerate")]
mod introspect;
mod invalid_index;
mod journaled;
mod lock;
mod read;
#[cfg(feature = "autogenerate")]
pub(crate) mod render;
mod scratch;
pub(crate) mod script;

#[cfg(feature = "autogenerate")]
pub(crate) use scratch::{create_database, drop_database};
pub(crate) use scratch::{databases_like, drop_if_unused};

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Row};

use super::Handle;
use crate::error::{Error, Result};
use crate::url::DatabaseUrl;

pub(crate) struct Postgres {
    connection: Handle<sqlx::Postgres>,
    /// How to reach the server from a second connection, to cancel a statement.
    options: PgConnectOptions,
    locked: Option<i64>,
    pid: Option<i32>,
    /// The lease lock, when runners take that instead of the advisory lock.
    pub(crate) lease: Option<super::lease::Held>,
}

impl Postgres {
    pub(crate) async fn open(url: &DatabaseUrl, timeout: Duration) -> Result<Postgres> {
        let options = connect_options(url)?;
        let connection = match tokio::time::timeout(timeout, options.connect()).await {
            Err(_) => {
                return Err(Error::ConnectTimeout {
                    url: url.to_string(),
                    timeout,
                });
            }
            Ok(Err(e)) => return Err(super::connect_error(url, &e, "PostgreSQL")),
            Ok(Ok(connection)) => connection,
        };
        let mut connection = connection;
        if let Some(schema) = url.schema() {
            tenant_schema_reached(&mut connection, url, schema).await?;
        }
        Ok(Postgres {
            connection: Handle::Owned(connection),
            options,
            locked: None,
            pid: None,
            lease: None,
        })
    }

    /// A connection taken from the service's own pool.
    pub(crate) async fn from_pool(pool: &sqlx::PgPool) -> Result<Postgres> {
        let connection = pool
            .acquire()
            .await
            .map_err(|e| Error::database("cannot take a connection from the pool", e))?;
        Ok(Postgres {
            connection: Handle::Pooled(connection),
            options: (*pool.connect_options()).clone(),
            locked: None,
            pid: None,
            lease: None,
        })
    }

    /// The driver's connection.
    pub(crate) fn raw(&mut self) -> &mut PgConnection {
        self.connection.get()
    }

    /// Cancels the statement this connection runs, from a connection of its own; known once
    /// the lock is taken.
    pub(crate) fn canceller(&self) -> Option<impl std::future::Future<Output = ()> + use<>> {
        let (options, pid) = (self.options.clone(), self.pid?);
        Some(async move { lock::cancel(&options, pid).await })
    }

    pub(crate) async fn run_in_transaction(&mut self, statements: &[String]) -> Result<()> {
        super::run_in_transaction(self.connection.get(), script::BEGIN, statements).await
    }

    pub(crate) async fn close(mut self) {
        let _ = self.unlock().await;
        self.connection.close().await;
    }

    #[cfg(feature = "autogenerate")]
    pub(crate) async fn introspect(
        &mut self,
        ignored: &crate::bookkeeping::Ours,
    ) -> std::result::Result<super::Introspection, sqlx::Error> {
        introspect::introspect(self.raw(), ignored).await
    }
}

/// A tenant's schema must be the session's: a pooler that drops the startup `options` (as
/// PgBouncer does) would otherwise let its migrations land in another schema.
async fn tenant_schema_reached(
    connection: &mut PgConnection,
    url: &DatabaseUrl,
    schema: &str,
) -> Result<()> {
    let current: Option<String> = sqlx::raw_sql(AssertSqlSafe("SELECT current_schema()"))
        .fetch_one(&mut *connection)
        .await
        .and_then(|row| row.try_get(0))
        .map_err(|e| Error::database("cannot read the session's schema", e))?;
    // A schema not made yet reads as none: the run creates it.
    if current.as_deref().is_none_or(|c| c == schema) {
        return Ok(());
    }
    Err(Error::Connect {
        url: url.to_string(),
        message: format!(
            "the session works in schema `{}`, not the tenant's `{schema}`: the search path did not reach the server \
             (a pooler such as PgBouncer drops it); reach the database directly for a tenant kept in a schema",
            current.unwrap_or_default()
        ),
    })
}

/// The driver's options for `url`, with what its parser gets wrong set right: an IPv6 host
/// without brackets, and, for a URL that names no user, the operating system's user (as libpq).
pub(crate) fn connect_options(url: &DatabaseUrl) -> Result<PgConnectOptions> {
    super::certificates::check(url)?;
    let mut options = PgConnectOptions::from_str(url.driver_url())
        .map_err(|e| Error::Connect {
            url: url.to_string(),
            message: url.scrub(&crate::error::database_message(&e)),
        })?
        .application_name("aurora-migrate");
    if let Some(host) = url.bare_ipv6_host() {
        options = options.host(host);
    }
    if let Some(schema) = url.schema() {
        options = options.options([("search_path", crate::sql::quote(schema))]);
    }
    if url.names_no_user()
        && std::env::var_os("PGUSER").is_none()
        && let Some(user) = super::os_user()
    {
        options = options.username(&user);
    }
    Ok(options)
}
