//! A run's session: connect (waiting for a server that starts later), take the lock, read the
//! bookkeeping once, honour an interrupt while waiting, and release the lock on every path.
//! Must not import autogenerate.

use crate::driver::Capabilities;
use std::time::{Duration, Instant};

use super::{Lock, Records, Runner, Source};
use crate::driver::Connection;
use crate::error::{Error, LeaseError, Result};

impl Runner<'_> {
    /// A connection for reading only: no lock, no file created.
    pub(crate) async fn open_for_reading(&self) -> Result<Connection> {
        self.connect(false).await
    }

    /// Connects (a URL: retrying with backoff while the server does not answer, with `wait`,
    /// the last attempt at the end of the budget; a pool: taking one of its connections).
    async fn connect(&self, create: bool) -> Result<Connection> {
        let url = match &self.source {
            Source::Url(url) => url,
            Source::Pool(pool) => return Connection::from_pool(pool).await,
        };
        let deadline = self.options.wait.map(|wait| Instant::now() + wait);
        let mut pause = Duration::from_millis(250);
        let mut attempt = 1;
        loop {
            match Connection::open(url, create, self.options.connect_timeout).await {
                Err(e) if e.is_unreachable() && deadline.is_some_and(|d| Instant::now() < d) => {
                    let left =
                        deadline.map_or(pause, |d| d.saturating_duration_since(Instant::now()));
                    let sleep = pause.min(left);
                    tracing::warn!(
                        "attempt {attempt}: {e}; retrying in {}",
                        humantime::format_duration(Duration::from_millis(sleep.as_millis() as u64))
                    );
                    tokio::time::sleep(sleep).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Connects, takes the lock and reads the state, all once per run.
    pub(super) async fn begin(&self) -> Result<(Connection, Records)> {
        let mut connection = self.until_interrupted(self.connect(true)).await?;
        let locked = self.until_interrupted(self.lock(&mut connection)).await;
        if let Err(e) = locked {
            // Closing the connection releases a lock taken just as the wait was interrupted.
            connection.close().await;
            return Err(e);
        }
        match connection.read(&self.tables).await {
            Ok(stored) => {
                let mut status = Records::read(self.catalog, stored);
                if self.options.force
                    && !status.dirty.is_empty()
                    && let Err(e) = self.clear_dirty(&mut connection, &mut status).await
                {
                    let _ = self.finish(connection, Ok(())).await;
                    return Err(e);
                }
                Ok((connection, status))
            }
            Err(e) => {
                let _ = self.finish(connection, Ok(())).await;
                Err(e)
            }
        }
    }

    /// Takes the lock the options name: the database's advisory lock, or the lease, whose
    /// heartbeat has a connection of its own.
    async fn lock(&self, connection: &mut Connection) -> Result<()> {
        let timeout = self.options.lock_timeout;
        match self.options.lock {
            Lock::Advisory => connection.lock(&self.tables, timeout).await,
            Lock::Lease { .. } if !Capabilities::of(connection.kind()).leases => {
                Err(Error::Lease(LeaseError::Sqlite))
            }
            Lock::Lease { duration } => {
                let heartbeat = self.connect(false).await?;
                connection
                    .lease(&self.tables, duration, timeout, heartbeat)
                    .await
            }
        }
    }

    /// `--force`: forgets the dirty marks, so their migrations run again from the start.
    async fn clear_dirty(&self, connection: &mut Connection, status: &mut Records) -> Result<()> {
        for mark in &status.dirty {
            tracing::warn!(
                "forced: {} of {} runs again from its first statement",
                mark.direction,
                mark.revision
            );
        }
        connection
            .run_in_transaction(&[format!("DELETE FROM {}", self.tables.dirty_sql())])
            .await?;
        status.dirty.clear();
        Ok(())
    }

    /// Runs `work` unless the interrupt is raised first, as while connecting or waiting for
    /// the lock, where nothing needs rolling back.
    async fn until_interrupted<T>(
        &self,
        work: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        let Some(interrupt) = &self.options.interrupt else {
            return work.await;
        };
        tokio::select! {
            result = work => result,
            () = interrupt.wait() => Err(Error::Interrupted {
                signal: interrupt.raised().unwrap_or(2),
                revision: None,
                done: Vec::new(),
            }),
        }
    }

    /// Releases the lock on every path, then closes.
    pub(super) async fn finish<T>(
        &self,
        mut connection: Connection,
        result: Result<T>,
    ) -> Result<T> {
        let unlocked = connection.unlock().await;
        connection.close().await;
        let value = result?;
        unlocked?;
        Ok(value)
    }
}
