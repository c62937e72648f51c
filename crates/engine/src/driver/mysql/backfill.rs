//! What a backfill batch is on MySQL and MariaDB: READ COMMITTED for that transaction alone
//! (no gap locks, no snapshot kept), InnoDB's lock wait and the server's statement time
//! bounded, and a change by key range, never `UPDATE ... LIMIT`. Must not import the runner.

/// Opens the batch's transaction. Lock waits are whole seconds on these servers; the
/// statement limit is MariaDB's `max_statement_time` (MySQL's `max_execution_time` bounds
/// only reads, so there only the lock wait bounds a batch).
pub(crate) fn begin(lock_ms: u64, statement_ms: u64, mariadb: bool) -> String {
    let lock_s = lock_ms.div_ceil(1000).max(1);
    let statement = match mariadb {
        true => format!(
            "SET SESSION max_statement_time = {:.3}; ",
            statement_ms as f64 / 1000.0
        ),
        false => String::new(),
    };
    format!(
        "SET SESSION innodb_lock_wait_timeout = {lock_s}; {statement}\
         SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION"
    )
}

/// What a session set for its batches is set back to (the server's global values), so that
/// a migration run after them on the same session waits as it would have.
pub(crate) fn reset(mariadb: bool) -> &'static str {
    match mariadb {
        true => {
            "SET SESSION innodb_lock_wait_timeout = DEFAULT, SESSION max_statement_time = DEFAULT"
        }
        false => "SET SESSION innodb_lock_wait_timeout = DEFAULT",
    }
}

/// The key select reads the latest committed keys without locking them: the UPDATE that
/// follows locks the rows it changes.
pub(crate) const KEY_LOCK: &str = "";

/// A lock wait timeout (1205), or a statement over its time (MariaDB 1969, MySQL 3024).
pub(crate) fn timed_out(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>())
        .is_some_and(|e| matches!(e.number(), 1205 | 1969 | 3024))
}
