//! What a backfill batch is on MySQL and MariaDB: READ COMMITTED for that transaction alone
//! (no gap locks, no snapshot kept), the row and metadata lock waits and the server's
//! statement time bounded, and a change by key range, never `UPDATE ... LIMIT`. Must not import the runner.

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
        "SET SESSION innodb_lock_wait_timeout = {lock_s}, SESSION lock_wait_timeout = {lock_s}; {statement}\
         SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION"
    )
}

/// What reads the session's own values a batch changes: InnoDB's row lock wait (seconds), on
/// MariaDB the statement limit (milliseconds), and the metadata lock wait (seconds).
pub(crate) fn session_values(mariadb: bool) -> &'static str {
    match mariadb {
        true => {
            "SELECT CAST(@@SESSION.innodb_lock_wait_timeout AS SIGNED), \
             CAST(@@SESSION.max_statement_time * 1000 AS SIGNED), CAST(@@SESSION.lock_wait_timeout AS SIGNED)"
        }
        false => {
            "SELECT CAST(@@SESSION.innodb_lock_wait_timeout AS SIGNED), NULL, \
             CAST(@@SESSION.lock_wait_timeout AS SIGNED)"
        }
    }
}

/// Sets the session back to the values [`session_values`] read, so that what runs after the
/// batches on it (a migration, the service's own queries) waits as it did before.
pub(crate) fn reset(lock_s: i64, statement_ms: Option<i64>, metadata_s: i64) -> String {
    let statement = statement_ms
        .map(|ms| format!(", SESSION max_statement_time = {:.3}", ms as f64 / 1000.0))
        .unwrap_or_default();
    format!(
        "SET SESSION innodb_lock_wait_timeout = {lock_s}, SESSION lock_wait_timeout = {metadata_s}{statement}"
    )
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

/// One row, 1 when `key` is a NOT NULL integer column of `table`.
pub(crate) fn key_check(table: &str, key: &str) -> String {
    let (schema, name) = match table.split_once('.') {
        Some((schema, name)) => (crate::sql::literal(schema), name),
        None => ("DATABASE()".to_string(), table),
    };
    format!(
        "SELECT CAST(count(*) AS SIGNED) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {schema} \
         AND TABLE_NAME = {} AND COLUMN_NAME = {} AND IS_NULLABLE = 'NO' \
         AND DATA_TYPE IN ('tinyint', 'smallint', 'mediumint', 'int', 'bigint')",
        crate::sql::literal(name),
        crate::sql::literal(key)
    )
}

impl super::Mysql {
    /// This connection out of the service's pool (see [`crate::driver::Handle::detached`]).
    pub(crate) fn detached(mut self) -> Self {
        self.connection = self.connection.detached();
        self
    }
}
