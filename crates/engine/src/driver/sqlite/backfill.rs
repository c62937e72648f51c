//! What a backfill batch is on SQLite: a short write transaction taken at once (`BEGIN
//! IMMEDIATE`), waiting at most the lock timeout for other writers. Must not import the
//! runner.

/// Opens the batch's transaction; the busy timeout is how long it waits for the writer lock.
pub(crate) fn begin(lock_ms: u64) -> String {
    format!("PRAGMA busy_timeout = {lock_ms}; BEGIN IMMEDIATE")
}

/// Sets back the busy timeout the connection keeps between batches.
pub(crate) fn reset(busy: std::time::Duration) -> String {
    format!("PRAGMA busy_timeout = {}", busy.as_millis())
}

/// SQLite locks the whole database for a writer: no row locks to take.
pub(crate) const KEY_LOCK: &str = "";

/// `SQLITE_BUSY` (5) and its extended codes: another writer held the database too long.
pub(crate) fn timed_out(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| code & 0xff == 5)
}

/// One row, 1 when `key` is an integer column of `table` (INTEGER affinity: its type names
/// INT) that is NOT NULL or the table's key; and no row holds a value of another type in it,
/// which SQLite would compare as text.
pub(crate) fn key_check(table: &str, key: &str) -> String {
    let name = table.rsplit('.').next().unwrap_or(table);
    format!(
        "SELECT (SELECT count(*) FROM pragma_table_info({}) WHERE name = {} COLLATE NOCASE \
         AND upper(type) LIKE '%INT%' AND (\"notnull\" OR pk > 0)) \
         * (SELECT count(*) = 0 FROM (SELECT 1 FROM {table} WHERE typeof({key}) <> 'integer' LIMIT 1))",
        crate::sql::literal(name),
        crate::sql::literal(key)
    )
}

impl super::Sqlite {
    /// This connection out of the service's pool (see [`crate::driver::Handle::detached`]).
    pub(crate) fn detached(mut self) -> Self {
        self.connection = self.connection.detached();
        self
    }
}
