//! The advisory lock and the lease keep each other out. A runner with the advisory lock,
//! once it holds it, looks for a live lease on the same version table and, while there is
//! one, gives its lock back and waits; a runner with the lease, once it holds it, waits while
//! any session holds the advisory lock (pg_locks and `IS_USED_LOCK` show every session's, so
//! this holds behind a transaction-pooling PgBouncer too). One side yields and the other
//! waits, so they never wait on each other, and neither runs beside the other: whichever
//! checks second sees the first. Must not import the runner.

use std::time::{Duration, Instant};

use crate::bookkeeping::Tables;
use crate::driver::{Connection, LockWait};
use crate::error::{Error, Result};
use aurora_migrate_core::Database;

impl Connection {
    /// Waits for other runners of the same version table to finish, at most `timeout`: those
    /// with the advisory lock, and those with the lease.
    pub(crate) async fn lock(&mut self, tables: &Tables, timeout: Option<Duration>) -> Result<()> {
        if self.kind() == Database::Sqlite {
            return dispatch!(self, c => c.lock(tables, timeout).await);
        }
        let started = Instant::now();
        let mut wait = LockWait::new(
            Duration::from_millis(20),
            Duration::from_millis(500),
            timeout,
        );
        loop {
            let left = timeout.map(|t| t.saturating_sub(started.elapsed()));
            dispatch!(self, c => c.lock(tables, left).await)?;
            let live = match self.lease_row(tables, true).await {
                Ok(live) => live,
                Err(e) => {
                    let _ = dispatch!(self, c => c.unlock().await);
                    return Err(Error::database("cannot read the migration lease", e));
                }
            };
            let Some(holder) = live else {
                return Ok(());
            };
            dispatch!(self, c => c.unlock().await)?;
            let what = format!(
                "a runner with the lease lock holds the migration lease for {}",
                tables.version
            );
            if let Err(waited) = wait.pause(&what).await {
                let table = tables.version.clone();
                return Err(match holder.dead {
                    true => Error::DeadHolder {
                        table,
                        waited,
                        holder: Box::new(holder),
                    },
                    false => Error::LockTimeout {
                        table,
                        waited,
                        holder: format!("a runner with the lease lock, {holder}"),
                    },
                });
            }
        }
    }

    /// Holding the lease, waits at most `timeout` while a session holds the advisory lock of
    /// the same version table.
    pub(in crate::driver) async fn wait_for_advisory(
        &mut self,
        tables: &Tables,
        timeout: Option<Duration>,
    ) -> Result<()> {
        let mut wait = LockWait::new(
            Duration::from_millis(20),
            Duration::from_millis(500),
            timeout,
        );
        loop {
            let Some(holder) = self.advisory_holder(tables).await? else {
                return Ok(());
            };
            let what = format!(
                "a runner with the advisory lock holds the migration lock for {}",
                tables.version
            );
            if let Err(waited) = wait.pause(&what).await {
                return Err(Error::LockTimeout {
                    table: tables.version.clone(),
                    waited,
                    holder: format!("a runner with the advisory lock, {holder}"),
                });
            }
        }
    }

    /// The session holding the advisory lock of `tables`, if one does.
    async fn advisory_holder(&mut self, tables: &Tables) -> Result<Option<String>> {
        #[cfg(not(any(feature = "postgres", feature = "mysql")))]
        let _ = tables;
        match self {
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => c
                .advisory_holder(tables.lock_key())
                .await
                .map_err(|e| Error::database("cannot read the advisory locks", e)),
            #[cfg(feature = "mysql")]
            Connection::Mysql(c) => c.advisory_holder(tables).await,
            #[allow(unreachable_patterns)]
            _ => Ok(None),
        }
    }
}
