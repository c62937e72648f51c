//! One durable flush per run (`--durability run`, PostgreSQL): every step but the run's last
//! commits without waiting for the disk, each still atomic with its bookkeeping, and the last
//! step's durable commit flushes the log of all before it. A run that stops early makes what it
//! committed durable before it reports it. Must not import autogenerate.

use super::{Durability, Runner, Transaction};
use crate::driver::Capabilities;
use crate::driver::Connection;
use crate::error::Error;
use crate::sql::literal;
use aurora_migrate_core::Database;

/// A revision id no migration can have (`~` is not allowed in one): a row that only exists
/// inside the transaction that flushes.
const FLUSH_ROW: &str = "~durable";

impl Runner<'_> {
    /// Whether step `index` of `count` must commit durably itself.
    pub(super) fn durable_step(&self, kind: Database, index: usize, count: usize) -> bool {
        !Capabilities::of(kind).deferred_flush
            || self.options.durability == Durability::Each
            || self.options.transaction == Transaction::All
            || index + 1 == count
    }

    /// After a run stopped with `error` once `committed` steps had committed, some of them
    /// perhaps without waiting for the disk: one durable commit that writes to the log (a row
    /// inserted and deleted) flushes them all. If the server cannot confirm it, the error says
    /// that those steps may not survive a crash of the server.
    pub(super) async fn settle(
        &self,
        connection: &mut Connection,
        committed: &[String],
        error: Error,
    ) -> Error {
        // A step that is not the run's last committed durably only under --durability each.
        if committed.is_empty() || self.durable_step(connection.kind(), 0, 2) {
            return error;
        }
        let log = self.tables.log_sql();
        let flush = [
            // Whatever the role's or database's default, this commit waits for the disk.
            "SET LOCAL synchronous_commit = on".to_string(),
            format!(
                "INSERT INTO {log} (revision, checksum) VALUES ({}, '')",
                literal(FLUSH_ROW)
            ),
            format!("DELETE FROM {log} WHERE revision = {}", literal(FLUSH_ROW)),
        ];
        match connection.run_in_transaction(&flush).await {
            Ok(()) => error,
            Err(flush) => Error::Unconfirmed {
                stopped: Box::new(error),
                committed: committed.to_vec(),
                message: flush.to_string(),
            },
        }
    }
}
