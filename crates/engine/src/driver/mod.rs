//! One folder per database family: connecting, locking, reading the bookkeeping, applying a
//! step in as few round trips as the driver allows, reading the schema and rendering changes.
//! This file dispatches to the families this build has. Knows nothing of the graph: must not
//! import the runner, the catalogue's planning or autogenerate.

mod batch;
mod capabilities;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod certificates;
#[cfg(any(feature = "postgres", feature = "mysql"))]
mod connect;
#[cfg(feature = "offline")]
mod framing;
mod handle;
mod journal_row;
mod lock_wait;
#[cfg(feature = "mysql")]
pub(crate) mod mysql;
mod pool;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
pub(crate) mod scratch;
#[cfg(any(feature = "autogenerate", feature = "offline"))]
pub(crate) mod script;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;
mod work;

#[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
compile_error!("aurora-migrate needs at least one database feature: postgres, sqlite or mysql");

pub(crate) use crate::error::database_message;
pub(crate) use backfill::{Batch, BatchSql};
pub(crate) use batch::{execute, run_batch, run_in_transaction};
pub(crate) use capabilities::Capabilities;
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) use connect::connect_error;
#[cfg(feature = "postgres")]
pub(crate) use connect::os_user;
pub(crate) use handle::Handle;
pub(crate) use journal_row::journal_row;
pub(crate) use lock_wait::LockWait;
pub use pool::Pool;
#[cfg(feature = "postgres")]
pub(crate) use work::Commit;
#[cfg(any(feature = "postgres", feature = "sqlite"))]
pub(crate) use work::StepTransaction;
pub(crate) use work::{Failure, Journaling, StepCheck, Work};

use std::time::Duration;

use crate::bookkeeping::{Stored, Tables};
use crate::error::{Error, Result};
use crate::url::DatabaseUrl;
use aurora_migrate_core::Database;

/// The same call on whichever driver a connection holds.
macro_rules! dispatch {
    ($connection:expr, $driver:ident => $call:expr) => {
        match $connection {
            #[cfg(feature = "postgres")]
            Connection::Postgres($driver) => $call,
            #[cfg(feature = "sqlite")]
            Connection::Sqlite($driver) => $call,
            #[cfg(feature = "mysql")]
            Connection::Mysql($driver) => $call,
        }
    };
}

mod backfill;
mod exists;
mod lease;
mod query;
mod tables;
pub use tables::TableSize;

#[cfg(feature = "refinery")]
mod refinery;
#[cfg(feature = "refinery")]
pub(crate) use refinery::RefineryRow;

/// What to do with the transaction that holds a whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunTransaction {
    Begin,
    Commit,
    Rollback,
}

/// Cancels the statement a connection is running, from another connection.
pub(crate) type Canceller = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// An open connection to one database, through the driver of its family.
pub(crate) enum Connection {
    /// PostgreSQL (boxed: its connect options, kept to cancel a statement, are large).
    #[cfg(feature = "postgres")]
    Postgres(Box<postgres::Postgres>),
    /// SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlite::Sqlite),
    /// MySQL and MariaDB.
    #[cfg(feature = "mysql")]
    Mysql(mysql::Mysql),
}

impl Connection {
    /// Connects, failing within `timeout`. `create` allows creating a missing SQLite file.
    pub(crate) async fn open(
        url: &DatabaseUrl,
        create: bool,
        timeout: Duration,
    ) -> Result<Connection> {
        #[cfg(not(feature = "sqlite"))]
        let _ = create;
        Ok(match url.kind() {
            #[cfg(feature = "postgres")]
            Database::Postgres => {
                Connection::Postgres(Box::new(postgres::Postgres::open(url, timeout).await?))
            }
            #[cfg(feature = "sqlite")]
            Database::Sqlite => {
                Connection::Sqlite(sqlite::Sqlite::open(url, create, timeout).await?)
            }
            #[cfg(feature = "mysql")]
            Database::Mysql => Connection::Mysql(mysql::Mysql::open(url, timeout).await?),
            #[allow(unreachable_patterns)]
            missing => return Err(Error::DriverMissing(missing)),
        })
    }

    /// A connection taken from the service's pool.
    pub(crate) async fn from_pool(pool: &Pool) -> Result<Connection> {
        Ok(match pool {
            #[cfg(feature = "postgres")]
            Pool::Postgres(p) => {
                Connection::Postgres(Box::new(postgres::Postgres::from_pool(p).await?))
            }
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(p) => Connection::Sqlite(sqlite::Sqlite::from_pool(p).await?),
            #[cfg(feature = "mysql")]
            Pool::Mysql(p) => Connection::Mysql(mysql::Mysql::from_pool(p).await?),
        })
    }

    /// The family of the database.
    pub(crate) fn kind(&self) -> Database {
        match self {
            #[cfg(feature = "postgres")]
            Connection::Postgres(_) => Database::Postgres,
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(_) => Database::Sqlite,
            #[cfg(feature = "mysql")]
            Connection::Mysql(_) => Database::Mysql,
        }
    }

    /// Stops the statement running on this connection, from elsewhere (PostgreSQL; SQLite
    /// stops its own running statement through a progress handler).
    pub(crate) fn canceller(&self) -> Option<Canceller> {
        match self {
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => c.canceller().map(|cancel| Box::pin(cancel) as Canceller),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// Releases the lock (the advisory lock or the lease), if it is held.
    pub(crate) async fn unlock(&mut self) -> Result<()> {
        let released = match self.lease_slot().and_then(Option::take) {
            Some(held) => {
                let fallback = held.release_statement().to_string();
                match held.release().await {
                    Ok(()) => Ok(()),
                    // The heartbeat's connection failed: this one gives the lease up instead.
                    Err(e) => self.exec(&fallback).await.map(|_| ()).map_err(|_| e),
                }
            }
            None => Ok(()),
        };
        let unlocked = dispatch!(self, c => c.unlock().await);
        unlocked.and(released)
    }

    /// Takes the lease lock (see [`lease`]), then waits while a runner with the advisory lock
    /// works, and keeps it with this connection until [`Connection::unlock`] or
    /// [`Connection::close`].
    pub(crate) async fn lease(
        &mut self,
        tables: &Tables,
        duration: Duration,
        timeout: Option<Duration>,
        heartbeat: Connection,
    ) -> Result<()> {
        let started = std::time::Instant::now();
        let held = self
            .take_lease(tables, duration, timeout, heartbeat)
            .await?;
        match self.lease_slot() {
            Some(slot) => *slot = Some(held),
            // take_lease refuses the databases without a slot before it takes anything.
            None => return held.release().await,
        }
        // A runner with the advisory lock may be working: the lease waits for it.
        let left = timeout.map(|t| t.saturating_sub(started.elapsed()));
        if let Err(e) = self.wait_for_advisory(tables, left).await {
            let _ = self.unlock().await;
            return Err(e);
        }
        Ok(())
    }

    /// The statement that fences a step with the lease this connection holds (PostgreSQL).
    pub(crate) fn lease_fence(&mut self, tables: &Tables) -> Option<String> {
        let kind = self.kind();
        self.lease_slot()?.as_ref()?.fence(tables, kind)
    }

    /// The error to stop with, once the lease this connection held was lost.
    pub(crate) fn lease_lost(&mut self) -> Option<Error> {
        self.lease_slot()?.as_ref()?.lost()
    }

    fn lease_slot(&mut self) -> Option<&mut Option<lease::Held>> {
        match self {
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => Some(&mut c.lease),
            #[cfg(feature = "mysql")]
            Connection::Mysql(c) => Some(&mut c.lease),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// Reads the version table and the log; missing tables read as empty.
    pub(crate) async fn read(&mut self, tables: &Tables) -> Result<Stored> {
        dispatch!(self, c => c.read(tables).await)
    }

    /// Runs `statements` in one transaction (bookkeeping without a migration).
    pub(crate) async fn run_in_transaction(&mut self, statements: &[String]) -> Result<()> {
        dispatch!(self, c => c.run_in_transaction(statements).await)
    }

    /// Begins, commits or rolls back the transaction that holds a whole run
    /// (`--transaction all`, PostgreSQL and SQLite).
    pub(crate) async fn run_transaction(&mut self, control: RunTransaction) -> Result<()> {
        let (sql, context) = match (control, self.kind()) {
            (RunTransaction::Begin, Database::Sqlite) => {
                ("BEGIN IMMEDIATE", "cannot begin the run's transaction")
            }
            (RunTransaction::Begin, _) => ("BEGIN", "cannot begin the run's transaction"),
            (RunTransaction::Commit, _) => (
                "COMMIT",
                "cannot commit the run's single transaction, so nothing was changed",
            ),
            (RunTransaction::Rollback, _) => ("ROLLBACK", "cannot roll back the run's transaction"),
        };
        let result = dispatch!(self, c => execute(c.raw(), sql).await);
        result.map_err(|e| Error::database(context, e))
    }

    /// The finest lock timeout the database applies to a statement: MySQL's and MariaDB's
    /// `lock_wait_timeout` and `innodb_lock_wait_timeout` take whole seconds, PostgreSQL's
    /// `lock_timeout` and SQLite's busy timeout whole milliseconds.
    pub(crate) fn lock_timeout_unit(&self) -> Duration {
        match self.kind() {
            Database::Mysql => Duration::from_secs(1),
            Database::Postgres | Database::Sqlite => Duration::from_millis(1),
        }
    }

    /// Runs `sql` alone, outside any transaction of ours: a session setting a resumed
    /// migration set before it stopped, set again on this session.
    pub(crate) async fn set_again(&mut self, sql: &str) -> Result<()> {
        let set = dispatch!(self, c => execute(c.raw(), sql).await);
        set.map_err(|e| Error::database("cannot set again a session setting of the migration", e))
    }

    /// What the catalog says about a statement of a journaled step that a run left
    /// `started`.
    pub(crate) async fn check_step(&mut self, text: &str) -> Result<StepCheck> {
        let checked = match self {
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => c.check_step(text).await,
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(_) => Ok(sqlite::check_step(text)),
            #[cfg(feature = "mysql")]
            Connection::Mysql(c) => c.check_step(text).await,
        };
        checked.map_err(|e| Error::database("cannot check the statement's effect", e))
    }

    /// Runs one migration and its bookkeeping; on failure nothing of a transactional step stays.
    pub(crate) async fn apply(&mut self, work: &Work<'_>) -> std::result::Result<(), Failure> {
        dispatch!(self, c => c.apply(work).await)
    }

    /// Runs several transactional migrations, each with its bookkeeping in its own
    /// transaction, in one message (PostgreSQL); on failure, how many committed. Elsewhere it
    /// runs none and answers 0.
    pub(crate) async fn apply_group(
        &mut self,
        works: &[Work<'_>],
    ) -> std::result::Result<(), usize> {
        #[cfg(not(feature = "postgres"))]
        let _ = works;
        match self {
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => c.apply_group(works).await,
            #[allow(unreachable_patterns)]
            _ => Err(0),
        }
    }

    /// Reads the database's schema, ignoring the bookkeeping tables.
    #[cfg(feature = "autogenerate")]
    pub(crate) async fn introspect(&mut self, tables: &Tables) -> Result<Introspection> {
        let ignored = tables.ours(self.name_case().await?);
        let result = dispatch!(self, c => c.introspect(&ignored).await);
        result.map_err(|e| Error::database("cannot read the database schema", e))
    }

    /// Closes the connection (a pooled one is closed too, not handed back with the runner's
    /// session settings).
    pub(crate) async fn close(mut self) {
        if let Some(held) = self.lease_slot().and_then(Option::take) {
            let _ = held.release().await;
        }
        dispatch!(self, c => c.close().await)
    }
}

/// A schema and how many queries reading it took.
#[cfg(feature = "autogenerate")]
#[derive(Debug, Clone)]
pub struct Introspection {
    /// The schema, as the models describe one.
    pub schema: crate::schema::model::Schema,
    /// The queries it took: a fixed number whatever the number of tables, plus, on MySQL and
    /// MariaDB, one per table or routine carried as the server's own text.
    pub queries: usize,
}
