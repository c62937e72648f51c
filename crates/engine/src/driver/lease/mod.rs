//! The lease lock (`--lock lease`): a row of ours taken with one atomic statement, renewed by
//! a heartbeat on a second connection while the run lasts, released on every path, and taken
//! over once its lease expires (its holder died). It needs no session state on the server, so
//! it holds behind a transaction-pooling PgBouncer and on databases without advisory locks.
//! Every statement goes through the simple query protocol. Who holds it, and breaking it, are
//! in `holder`; keeping it and the advisory lock from running side by side in `exclusion`.
//! Must not import the runner.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

mod beat;
mod exclusion;
mod holder;
pub(crate) use holder::is_missing_table;

use tokio::sync::Notify;

use super::{Connection, LockWait};
use crate::bookkeeping::{Claimant, Tables};
use crate::error::{Error, LeaseError, Result};
use aurora_migrate_core::Database;
use beat::Beat;

/// A lease this runner holds, and the heartbeat that keeps it.
pub(crate) struct Held {
    holder: String,
    token: i64,
    table: String,
    duration: Duration,
    /// When the lease was taken; `renewed` counts milliseconds from it.
    taken: Instant,
    /// When the last renewal the database confirmed was sent, in milliseconds from `taken`.
    renewed: Arc<AtomicU64>,
    lost: Arc<AtomicBool>,
    stop: Arc<Notify>,
    heartbeat: tokio::task::JoinHandle<Result<()>>,
    /// The statement that gives the lease up, for the main connection when the heartbeat's
    /// own connection cannot.
    release: String,
}

impl Drop for Held {
    /// However the run ends, even dropped unfinished, the heartbeat stops and gives the lease
    /// up on its own connection.
    fn drop(&mut self) {
        self.stop.notify_one();
    }
}

impl Held {
    /// The statement that fences a step: it fails unless this lease is still ours.
    pub(crate) fn fence(&self, tables: &Tables, kind: Database) -> Option<String> {
        (kind == Database::Postgres).then(|| tables.lease_fence(&self.holder, self.token))
    }

    /// Why the lease is no longer ours, or may not be by the end of the next step: the
    /// heartbeat found it taken over, or no renewal was confirmed for two thirds of it.
    pub(crate) fn lost(&self) -> Option<Error> {
        let since = self.taken.elapsed().as_millis() as u64;
        let unconfirmed = since.saturating_sub(self.renewed.load(Ordering::SeqCst));
        let late = unconfirmed >= (self.duration * 2 / 3).as_millis() as u64;
        (late || self.lost.load(Ordering::SeqCst)).then(|| {
            Error::Lease(LeaseError::Lost {
                table: self.table.clone(),
                token: self.token,
            })
        })
    }

    /// The statement that gives the lease up.
    pub(crate) fn release_statement(&self) -> &str {
        &self.release
    }

    /// Stops the heartbeat, which gives the lease up on its own connection and closes it.
    pub(crate) async fn release(mut self) -> Result<()> {
        self.stop.notify_one();
        match (&mut self.heartbeat).await {
            Ok(result) => result,
            Err(e) => Err(Error::Lease(LeaseError::Heartbeat(e.to_string()))),
        }
    }
}

impl Connection {
    /// Takes the lease on `tables` for `duration`, waiting at most `timeout` for its holder
    /// to release it or to let it expire; `heartbeat` is a second connection to the same
    /// database that renews it every third of `duration` until it is released.
    pub(crate) async fn take_lease(
        &mut self,
        tables: &Tables,
        duration: Duration,
        timeout: Option<Duration>,
        heartbeat: Connection,
    ) -> Result<Held> {
        let kind = self.kind();
        if kind == Database::Sqlite {
            heartbeat.close().await;
            return Err(Error::Lease(LeaseError::Sqlite));
        }
        if let Err(e) = self.create_lease_table(tables).await {
            heartbeat.close().await;
            return Err(e);
        }
        let claimant = Claimant::this_process();
        let mut wait = LockWait::new(
            Duration::from_millis(20),
            Duration::from_millis(500),
            timeout,
        );
        let token = loop {
            match self.try_lease(tables, &claimant, duration).await {
                Ok(Some(token)) => break token,
                Ok(None) => {}
                Err(e) => {
                    heartbeat.close().await;
                    return Err(e);
                }
            }
            let what = format!(
                "another runner holds the migration lease for {}",
                tables.version
            );
            if let Err(waited) = wait.pause(&what).await {
                let timeout = self.lease_timeout(tables, waited).await;
                heartbeat.close().await;
                return Err(timeout);
            }
        };
        let lost = Arc::new(AtomicBool::new(false));
        let renewed = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(Notify::new());
        let taken = Instant::now();
        let beat = Beat {
            tables: tables.clone(),
            holder: claimant.holder.clone(),
            token,
            duration,
            taken,
            renewed: Arc::clone(&renewed),
            lost: Arc::clone(&lost),
            stop: Arc::clone(&stop),
        };
        Ok(Held {
            release: tables.release_lease(kind, &claimant.holder, token),
            holder: claimant.holder,
            token,
            table: tables.version.clone(),
            duration,
            taken,
            renewed,
            lost,
            stop,
            heartbeat: tokio::spawn(beat.run(heartbeat)),
        })
    }

    /// Checks, inside the transaction that holds a whole run, just before it commits, that the
    /// lease this connection holds is still its own (PostgreSQL; nothing otherwise).
    pub(crate) async fn fence_run(&mut self, tables: &Tables) -> Result<()> {
        let Some(fence) = self.lease_fence(tables) else {
            return Ok(());
        };
        self.exec(&fence)
            .await
            .map(|_| ())
            .map_err(|e| Error::database("cannot commit the run", e))
    }

    /// Creates the lease table and its row; runners that create it at the same moment may
    /// collide in the catalog, so a failure is tried again before it counts.
    async fn create_lease_table(&mut self, tables: &Tables) -> Result<()> {
        let statements = tables.create_lease(self.kind());
        let mut attempt = 0;
        loop {
            let mut failed = None;
            for statement in &statements {
                if let Err(e) = self.exec(statement).await {
                    failed = Some(e);
                    break;
                }
            }
            match failed {
                None => return Ok(()),
                Some(e) if attempt >= 3 => {
                    return Err(Error::database("cannot create the lease table", e));
                }
                Some(_) => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(50 * attempt)).await;
                }
            }
        }
    }

    /// One attempt: the fencing token when the lease was free or expired and is now ours.
    async fn try_lease(
        &mut self,
        tables: &Tables,
        claimant: &Claimant,
        duration: Duration,
    ) -> Result<Option<i64>> {
        let kind = self.kind();
        let acquire = tables.acquire_lease(kind, claimant, duration);
        let failed = |e| Error::database("cannot take the migration lease", e);
        if kind == Database::Postgres {
            return self
                .numbers(&acquire, 1)
                .await
                .map(|v| v[0])
                .map_err(failed);
        }
        if self.exec(&acquire).await.map_err(failed)? == 0 {
            return Ok(None);
        }
        self.numbers(&tables.lease_token(&claimant.holder), 1)
            .await
            .map(|v| v[0])
            .map_err(failed)
    }
}
