//! The lease's heartbeat: renews it every third of its length on a connection of its own,
//! marks it lost when a renewal finds it gone or none succeeds for a whole lease, and gives it
//! up when stopped. Must not import the runner.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::bookkeeping::Tables;
use crate::driver::{Connection, database_message};
use crate::error::{Error, Result};

/// A statement the database did not answer in time.
fn no_answer(waited: Duration) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        format!("no answer within {}", humantime::format_duration(waited)),
    ))
}

/// The heartbeat: renews the lease every third of its length on its own connection, marks
/// it lost when a renewal finds it gone or none has succeeded for a whole lease, and on
/// release gives it up.
pub(super) struct Beat {
    pub(super) tables: Tables,
    pub(super) holder: String,
    pub(super) token: i64,
    pub(super) duration: Duration,
    pub(super) taken: Instant,
    pub(super) renewed: Arc<AtomicU64>,
    pub(super) lost: Arc<AtomicBool>,
    pub(super) stop: Arc<Notify>,
}

impl Beat {
    pub(super) async fn run(self, mut connection: Connection) -> Result<()> {
        let kind = connection.kind();
        let renew = self
            .tables
            .renew_lease(kind, &self.holder, self.token, self.duration);
        // A renewal or release that hangs (a half-open connection) gives up after this.
        let patience = self.duration / 3;
        let mut renewed = Instant::now();
        loop {
            tokio::select! {
                () = self.stop.notified() => break,
                () = tokio::time::sleep(self.duration / 3) => {}
            }
            let sent = Instant::now();
            let answer = match tokio::time::timeout(patience, connection.exec(&renew)).await {
                Ok(answer) => answer,
                Err(_) => Err(no_answer(patience)),
            };
            match answer {
                Ok(0) => {
                    tracing::warn!(
                        "the migration lease on {} was taken over by another runner",
                        self.tables.version
                    );
                    self.lost.store(true, Ordering::SeqCst);
                }
                Ok(_) => {
                    renewed = sent;
                    let since = sent.duration_since(self.taken).as_millis() as u64;
                    self.renewed.store(since, Ordering::SeqCst);
                }
                Err(e) if renewed.elapsed() >= self.duration => {
                    tracing::warn!(
                        "the migration lease on {} could not be renewed for {}: {}",
                        self.tables.version,
                        humantime::format_duration(self.duration),
                        database_message(&e)
                    );
                    self.lost.store(true, Ordering::SeqCst);
                }
                Err(e) => tracing::debug!("renewing the migration lease: {}", database_message(&e)),
            }
        }
        let release = self.tables.release_lease(kind, &self.holder, self.token);
        let released = match tokio::time::timeout(patience, connection.exec(&release)).await {
            Ok(released) => released,
            Err(_) => Err(no_answer(patience)),
        };
        connection.close().await;
        released
            .map(|_| ())
            .map_err(|e| Error::database("cannot release the migration lease", e))
    }
}
