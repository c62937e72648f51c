//! One module per database family: connecting, locking, reading the bookkeeping tables and
//! applying a step in as few round trips as the driver allows. Knows nothing of the graph.

mod mysql;
mod postgres;
mod sqlite;

pub(crate) use postgres::connect_options as postgres_options;

use std::time::Duration;

use crate::error::{Error, Result};
use crate::migration::Statement;
use crate::runner::history::{Elapsed, Tables};
use crate::runner::interrupt::Interrupt;
use crate::url::DatabaseUrl;

/// A database family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Postgres,
    Sqlite,
    /// MySQL and MariaDB.
    Mysql,
}

impl Kind {
    /// The name used in section markers (`-- migrate:upgrade postgresql`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Postgres => "postgresql",
            Kind::Sqlite => "sqlite",
            Kind::Mysql => "mysql",
        }
    }
}

/// What the bookkeeping tables hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    /// The version table's rows: one per current head.
    pub rows: Vec<String>,
    pub log: Vec<LogEntry>,
    /// Every bookkeeping table of this database exists.
    pub tables_exist: bool,
    /// Migrations that started and did not finish (MySQL, whose DDL cannot roll back).
    pub dirty: Vec<DirtyMark>,
}

/// A migration recorded as in progress that never finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirtyMark {
    pub revision: String,
    pub direction: String,
    /// The statement that failed; `None` when the runner died during the migration.
    pub failed_statement: Option<String>,
    pub message: Option<String>,
}

/// One applied revision as the log recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub revision: String,
    pub checksum: String,
    pub applied_at: String,
    /// `None` for a revision that was stamped, not run.
    pub execution_ms: Option<i64>,
}

/// One migration to run with its bookkeeping.
pub struct Work<'a> {
    pub statements: &'a [Statement],
    pub transactional: bool,
    /// The bookkeeping statements, given how the elapsed time is known.
    pub bookkeeping: &'a dyn Fn(Elapsed) -> Vec<String>,
    /// Raised to stop: SQLite's progress handler stops the running statement on it.
    pub interrupt: Option<&'a Interrupt>,
    /// Runs inside the transaction that holds the whole run (`--transaction all`): the step
    /// neither begins nor commits, and a failure rolls the whole run back.
    pub enclosed: bool,
    /// Which migration and direction, for the dirty mark (MySQL).
    pub revision: &'a str,
    pub direction: &'static str,
    pub tables: &'a Tables,
}

/// Which statement of a [`Work`] failed, and why.
#[derive(Debug)]
pub struct Failure {
    /// Index into `Work::statements`; `None` when the bookkeeping failed.
    pub statement: Option<usize>,
    /// Lines into the statement where the server located the fault, if it did.
    pub line_offset: usize,
    pub message: String,
    /// The step stopped because the interrupt was raised, and was rolled back.
    pub interrupted: bool,
}

impl Failure {
    pub(crate) fn new(statement: Option<usize>, message: String) -> Failure {
        Failure {
            statement,
            line_offset: 0,
            message,
            interrupted: false,
        }
    }
}

/// What to do with the transaction that holds a whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunTransaction {
    Begin,
    Commit,
    Rollback,
}

/// An open connection to one database.
pub enum Connection {
    Postgres(postgres::Postgres),
    Sqlite(sqlite::Sqlite),
    Mysql(mysql::Mysql),
}

impl Connection {
    /// Connects, failing within `timeout`. `create` allows creating a missing SQLite file.
    pub async fn open(url: &DatabaseUrl, create: bool, timeout: Duration) -> Result<Connection> {
        Ok(match url.kind() {
            Kind::Postgres => Connection::Postgres(postgres::Postgres::open(url, timeout).await?),
            Kind::Sqlite => Connection::Sqlite(sqlite::Sqlite::open(url, create, timeout).await?),
            Kind::Mysql => Connection::Mysql(mysql::Mysql::open(url, timeout).await?),
        })
    }

    pub fn kind(&self) -> Kind {
        match self {
            Connection::Postgres(_) => Kind::Postgres,
            Connection::Sqlite(_) => Kind::Sqlite,
            Connection::Mysql(_) => Kind::Mysql,
        }
    }

    /// Waits for other runners of the same version table to finish, at most `timeout`.
    pub async fn lock(&mut self, tables: &Tables, timeout: Option<Duration>) -> Result<()> {
        match self {
            Connection::Postgres(c) => c.lock(tables, timeout).await,
            Connection::Sqlite(c) => c.lock(timeout).await,
            Connection::Mysql(c) => c.lock(tables, timeout).await,
        }
    }

    /// Stops the statement running on this connection, from elsewhere (PostgreSQL; SQLite
    /// stops its own running statement through a progress handler).
    pub fn canceller(
        &self,
        url: &DatabaseUrl,
    ) -> Option<impl std::future::Future<Output = ()> + use<>> {
        match self {
            Connection::Postgres(c) => {
                let (url, pid) = (url.clone(), c.pid()?);
                Some(async move { postgres::Postgres::cancel(&url, pid).await })
            }
            Connection::Sqlite(_) | Connection::Mysql(_) => None,
        }
    }

    pub async fn unlock(&mut self) -> Result<()> {
        match self {
            Connection::Postgres(c) => c.unlock().await,
            Connection::Sqlite(c) => c.unlock(),
            Connection::Mysql(c) => c.unlock().await,
        }
    }

    /// Reads the version table and the log; missing tables read as empty.
    pub async fn read(&mut self, tables: &Tables) -> Result<Stored> {
        match self {
            Connection::Postgres(c) => c.read(tables).await,
            Connection::Sqlite(c) => c.read(tables).await,
            Connection::Mysql(c) => c.read(tables).await,
        }
    }

    /// Whether the table (a quoted SQL name) holds at least one row.
    pub async fn holds_rows(&mut self, quoted_table: &str) -> Result<bool, sqlx::Error> {
        let sql = format!("SELECT 1 FROM {quoted_table} LIMIT 1");
        let query = || sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()));
        Ok(match self {
            Connection::Postgres(c) => query().fetch_optional(c.raw()).await?.is_some(),
            Connection::Sqlite(c) => query().fetch_optional(c.raw()).await?.is_some(),
            Connection::Mysql(c) => query().fetch_optional(c.raw()).await?.is_some(),
        })
    }

    /// Runs `statements` in one transaction (bookkeeping without a migration).
    pub async fn run_in_transaction(&mut self, statements: &[String]) -> Result<()> {
        match self {
            Connection::Postgres(c) => c.run_in_transaction(statements).await,
            Connection::Sqlite(c) => c.run_in_transaction(statements).await,
            Connection::Mysql(c) => c.run_in_transaction(statements).await,
        }
    }

    /// Begins, commits or rolls back the transaction that holds a whole run
    /// (`--transaction all`, PostgreSQL and SQLite).
    pub async fn run_transaction(&mut self, control: RunTransaction) -> Result<()> {
        let (sql, context) = match (control, self.kind()) {
            (RunTransaction::Begin, Kind::Sqlite) => {
                ("BEGIN IMMEDIATE", "cannot begin the run's transaction")
            }
            (RunTransaction::Begin, _) => ("BEGIN", "cannot begin the run's transaction"),
            (RunTransaction::Commit, _) => (
                "COMMIT",
                "cannot commit the run's transaction (--transaction all), so nothing was changed",
            ),
            (RunTransaction::Rollback, _) => ("ROLLBACK", "cannot roll back the run's transaction"),
        };
        let result = match self {
            Connection::Postgres(c) => execute(c.raw(), sql).await,
            Connection::Sqlite(c) => execute(c.raw(), sql).await,
            Connection::Mysql(c) => execute(c.raw(), sql).await,
        };
        result.map_err(|e| crate::error::Error::database(context, e))
    }

    /// Runs one migration and its bookkeeping; on failure nothing of a transactional step stays.
    pub async fn apply(&mut self, work: &Work<'_>) -> std::result::Result<(), Failure> {
        match self {
            Connection::Postgres(c) => c.apply(work).await,
            Connection::Sqlite(c) => c.apply(work).await,
            Connection::Mysql(c) => c.apply(work).await,
        }
    }

    pub async fn close(self) {
        match self {
            Connection::Postgres(c) => c.close().await,
            Connection::Sqlite(c) => c.close().await,
            Connection::Mysql(c) => c.close().await,
        }
    }
}

/// Waiting for another runner's lock: growing pauses, one announcement, and the time limit.
pub(crate) struct LockWait {
    started: std::time::Instant,
    pause: Duration,
    longest: Duration,
    timeout: Option<Duration>,
    announced: bool,
}

impl LockWait {
    pub(crate) fn new(first: Duration, longest: Duration, timeout: Option<Duration>) -> LockWait {
        LockWait {
            started: std::time::Instant::now(),
            pause: first,
            longest,
            timeout,
            announced: false,
        }
    }

    /// How long the wait has lasted.
    pub(crate) fn waited(&self) -> Duration {
        self.started.elapsed()
    }

    /// Sleeps before the next try, saying once who holds what (`what`); `Err(waited)` once
    /// the time limit is reached.
    pub(crate) async fn pause(&mut self, what: &str) -> std::result::Result<(), Duration> {
        let waited = self.started.elapsed();
        if self.timeout.is_some_and(|limit| waited >= limit) {
            return Err(waited);
        }
        if !self.announced {
            tracing::info!("{what}; waiting");
            self.announced = true;
        }
        let left = self
            .timeout
            .map_or(self.pause, |limit| limit.saturating_sub(waited));
        tokio::time::sleep(self.pause.min(left)).await;
        self.pause = (self.pause * 2).min(self.longest);
        Ok(())
    }
}

/// Runs `sql` (one statement or several) and discards what it returns.
pub(crate) async fn execute<C, DB>(connection: &mut C, sql: &str) -> Result<(), sqlx::Error>
where
    for<'e> &'e mut C: sqlx::Executor<'e, Database = DB>,
    DB: sqlx::Database,
{
    match run_batch(connection, sql.to_string()).await {
        (_, Some(error)) => Err(error),
        (_, None) => Ok(()),
    }
}

/// Runs `statements` in one transaction, opened by `begin`, in one batch; on error it rolls
/// back and nothing of them stays.
pub(crate) async fn run_in_transaction<C, DB>(
    connection: &mut C,
    begin: &str,
    statements: &[String],
) -> Result<()>
where
    for<'e> &'e mut C: sqlx::Executor<'e, Database = DB>,
    DB: sqlx::Database,
{
    let mut batch = format!("{begin};\n");
    for statement in statements {
        batch.push_str(statement);
        batch.push_str(";\n");
    }
    batch.push_str("COMMIT");
    if let (_, Some(e)) = run_batch(&mut *connection, batch).await {
        let _ = execute(connection, "ROLLBACK").await;
        return Err(crate::error::Error::database(
            "cannot write the version table",
            e,
        ));
    }
    Ok(())
}

/// Sends a multi-statement batch, which the database runs in order until the first error.
/// Returns how many statements completed (one result each) and the error that stopped it.
pub(crate) async fn run_batch<'c, E, DB>(executor: E, batch: String) -> (usize, Option<sqlx::Error>)
where
    E: sqlx::Executor<'c, Database = DB>,
    DB: sqlx::Database,
{
    use futures_util::StreamExt;
    let mut completed = 0usize;
    let mut results = sqlx::raw_sql(sqlx::AssertSqlSafe(batch)).execute_many(executor);
    while let Some(result) = results.next().await {
        match result {
            Ok(_) => completed += 1,
            Err(e) => return (completed, Some(e)),
        }
    }
    (completed, None)
}

/// A failed connection, classified: no server answered (worth waiting for), TLS could not be
/// set up (worth no wait: the settings are wrong), or the server refused us.
pub(crate) fn connect_error(url: &DatabaseUrl, error: &sqlx::Error, server: &str) -> Error {
    let shown = url.to_string();
    match error {
        // rustls reports a failed handshake as invalid data; a certificate file that cannot
        // be read arrives as an I/O error too.
        sqlx::Error::Io(io)
            if io.kind() == std::io::ErrorKind::InvalidData
                || (url.requires_tls()
                    && matches!(
                        io.kind(),
                        std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
                    )) =>
        {
            let reading = match io.kind() {
                std::io::ErrorKind::InvalidData => "",
                _ => "cannot read a certificate file: ",
            };
            Error::Tls {
                url: shown,
                message: url.scrub(&format!("{reading}{io}")),
            }
        }
        sqlx::Error::Io(io) => Error::Unreachable {
            url: shown,
            message: url.scrub(&format!("{io}; is {server} running and listening there?")),
        },
        sqlx::Error::Tls(tls) => Error::Tls {
            url: shown,
            message: url.scrub(&tls.to_string()),
        },
        // cannot_connect_now: the server is starting up or shutting down.
        sqlx::Error::Database(db) if db.code().as_deref() == Some("57P03") => Error::Unreachable {
            url: shown,
            message: url.scrub(db.message()),
        },
        other => Error::Connect {
            url: shown,
            message: url.scrub(&database_message(other)),
        },
    }
}

/// The operating system's name for the user running this process, as libpq finds it.
pub(crate) fn os_user() -> Option<String> {
    for variable in ["USER", "LOGNAME"] {
        if let Some(name) = std::env::var_os(variable).and_then(|v| v.into_string().ok())
            && !name.is_empty()
        {
            return Some(name);
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let uid = std::fs::metadata("/proc/self").ok()?.uid().to_string();
        let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
        passwd
            .lines()
            .map(|line| line.split(':').collect::<Vec<_>>())
            .find(|fields| fields.get(2) == Some(&uid.as_str()))
            .and_then(|fields| fields.first().map(|name| name.to_string()))
    }
    #[cfg(not(unix))]
    None
}

/// The database's message for a failed statement, without sqlx's prefixes.
pub(crate) fn database_message(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}
