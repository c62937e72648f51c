//! What a backfill batch is on PostgreSQL: a transaction whose own `SET LOCAL` timeouts
//! bound it, and a key select that takes `FOR NO KEY UPDATE` row locks (which foreign-key
//! checks of concurrent inserts do not wait for). Must not import the runner.

/// Opens the batch's transaction with its own lock and statement timeouts; a runner that
/// stalls inside it (its process frozen) loses the transaction, and its row locks, as long after.
pub(crate) fn begin(lock_ms: u64, statement_ms: u64) -> String {
    format!(
        "BEGIN; SET LOCAL lock_timeout = '{lock_ms}ms'; SET LOCAL statement_timeout = '{statement_ms}ms'; \
         SET LOCAL idle_in_transaction_session_timeout = '{statement_ms}ms'"
    )
}

/// The locking clause of the batch's key select.
pub(crate) const KEY_LOCK: &str = " FOR NO KEY UPDATE";

/// `lock_not_available` (a lock timeout) or `query_canceled` (the statement timeout): a
/// smaller batch may pass.
pub(crate) fn timed_out(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "55P03" || code == "57014")
}

/// One row, 1 when `key` is an integer column of `table` that holds no NULL (declared NOT
/// NULL): a key the batches can walk. Names as SQL reads them unquoted.
pub(crate) fn key_check(table: &str, key: &str) -> String {
    format!(
        "SELECT CAST(count(*) AS BIGINT) FROM pg_attribute WHERE attrelid = to_regclass({}) \
         AND attname = lower({}) AND attnotnull AND atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)",
        crate::sql::literal(table),
        crate::sql::literal(key)
    )
}

impl super::Postgres {
    /// This connection out of the service's pool (see [`crate::driver::Handle::detached`]).
    pub(crate) fn detached(mut self) -> Self {
        self.connection = self.connection.detached();
        self
    }
}
