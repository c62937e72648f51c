//! A driver's connection: one it opened, or one it took from the service's pool. A driver
//! restores what it changed in a pooled connection's session before it goes back (or, where
//! it cannot, closes it). Must not import a driver.

use sqlx::Connection as _;
use sqlx::pool::PoolConnection;

/// An sqlx connection the runner owns for the length of a run.
pub(crate) enum Handle<DB: sqlx::Database> {
    Owned(DB::Connection),
    Pooled(PoolConnection<DB>),
}

impl<DB: sqlx::Database> Handle<DB> {
    pub(crate) fn get(&mut self) -> &mut DB::Connection {
        match self {
            Handle::Owned(connection) => connection,
            Handle::Pooled(connection) => connection,
        }
    }

    /// The same connection, taken out of its pool if it came from one: dropped, it closes
    /// (and the server rolls back what it left open) instead of going back to the service.
    pub(crate) fn detached(self) -> Handle<DB> {
        match self {
            Handle::Pooled(connection) => Handle::Owned(connection.detach()),
            owned => owned,
        }
    }

    /// Closes a connection of the runner's own; hands a pooled one back.
    pub(crate) async fn close(self) {
        match self {
            Handle::Owned(connection) => {
                let _ = connection.close().await;
            }
            // Back to the pool, which may hand it to the service.
            Handle::Pooled(connection) => drop(connection),
        }
    }
}
