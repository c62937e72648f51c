//! The runner: connect once, lock once, read the bookkeeping once, verify checksums, plan with
//! the revision graph, and apply each step with its bookkeeping in one transaction; and the
//! operations beside it (stamp, standing, the data-loss guard). Takes a URL, or the service's
//! own pool. Must not import autogenerate or the schema model.

mod adopt;
mod apply;
mod backfills;
mod beyond;
mod durability;
mod failed_step;
mod guard;
mod lease;
mod locks;
mod migrate;
mod options;
mod pipeline;
mod prepared;
mod repair;
mod reset;
mod resume;
mod session;
mod stamp;
mod standing;
mod state;
mod unfinished;

use std::time::Duration;

pub use crate::driver::{Pool, TableSize};
pub use crate::error::RepairError;
#[cfg(feature = "refinery")]
pub use adopt::Adopted;
pub use backfills::Backfills;
pub use locks::LockRetries;
pub use repair::{Repair, RepairAction, RepairChange, RepairPlan};
pub use reset::ResetPreview;
pub use standing::{Standing, State};
pub use state::{Beyond, Records};
pub use unfinished::{Checked, Unfinished};

use crate::bookkeeping::Tables;
use crate::catalog::Catalog;
use crate::error::{LeaseError, Result};
use crate::interrupt::Interrupt;
use crate::url::DatabaseUrl;
use aurora_migrate_core::{Database, Direction};

/// How to reach and keep the bookkeeping, and how to run: the defaults, then a `with_`
/// method for each setting that differs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// The version table (`alembic_version`, or `schema.table`).
    pub version_table: String,
    /// How long a connection may take.
    pub connect_timeout: Duration,
    /// Keep retrying the first connection this long while the server does not answer.
    pub wait: Option<Duration>,
    /// Give up waiting for another runner's lock after this long.
    pub lock_timeout: Option<Duration>,
    /// Raised to stop: the migration in progress rolls back and the lock is released.
    pub interrupt: Option<Interrupt>,
    /// Run again a statement the step journal left `started` whose effect no check can judge, and
    /// clear a dirty mark an older build left (MySQL), running that migration from its first
    /// statement.
    pub force: bool,
    /// How the migrations of a run share transactions.
    pub transaction: Transaction,
    /// Refuse a downgrade whose plan reverts every applied revision, or drops a table or a
    /// column of a table that holds rows (see [`crate::sql::effects`] for what is seen).
    pub refuse_data_loss: bool,
    /// How long a migration's statements wait for a lock, and how often it is tried again.
    pub statement_locks: LockRetries,
    /// Which lock serialises the runners of one version table.
    pub lock: Lock,
    /// When a step's commit waits for the disk.
    pub durability: Durability,
    /// At most this many transactional migrations travel in one message (PostgreSQL): each
    /// still its own transaction; 1 sends each alone.
    pub pipeline: usize,
    /// When an upgrade runs the backfills of the revisions it applies.
    pub backfills: Backfills,
    /// Before a revision that requires a backfill that is not done, run its remaining
    /// batches (instead of refusing the upgrade).
    pub run_backfills: bool,
    /// How backfill jobs run: lease, batch sizes, throttles.
    pub backfill: crate::backfill::Settings,
}

/// When a step's commit waits for its write-ahead log to reach the disk (PostgreSQL; MySQL's
/// flush setting is global to the server, and SQLite's `synchronous` risks corruption outside
/// WAL mode, so there every commit is durable).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// Every step's commit waits for the disk.
    Each,
    /// Every step stays atomic with its bookkeeping, but only the run's last commit waits for
    /// the disk, which makes every commit before it durable too: one flush per run. A run that
    /// stops early makes its committed steps durable before it reports them. A server crash
    /// mid-run can lose only the newest committed steps, each whole with its bookkeeping.
    #[default]
    Run,
}

/// Which lock serialises the runners of one version table. SQLite is always locked through
/// its database file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lock {
    /// PostgreSQL's session advisory lock, MySQL's `GET_LOCK`: released by the server when
    /// the runner's connection ends.
    #[default]
    Advisory,
    /// A lease in a table of ours (`<version table>_aurora_lease`), renewed by a heartbeat
    /// on a second connection and taken over once it expires: for a transaction-pooling
    /// PgBouncer, where a session lock lands on whichever server connection the pooler
    /// picks, and for databases whose advisory locks are stubs.
    Lease {
        /// How long the lease lasts without a renewal (renewed every third of it).
        duration: Duration,
    },
}

/// How long a lease lasts without a renewal, unless told otherwise.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

pub use crate::bookkeeping::{LONGEST_LEASE, SHORTEST_LEASE};

/// How the migrations of one run share transactions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Transaction {
    /// Each migration commits with its bookkeeping; a failure keeps the ones before it.
    #[default]
    PerMigration,
    /// The whole run commits at once or not at all (PostgreSQL and SQLite, whose DDL rolls
    /// back): Alembic's `transaction_per_migration = False`.
    All,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            version_table: "alembic_version".into(),
            connect_timeout: Duration::from_secs(10),
            wait: None,
            lock_timeout: None,
            interrupt: None,
            force: false,
            transaction: Transaction::PerMigration,
            refuse_data_loss: false,
            statement_locks: LockRetries::default(),
            lock: Lock::Advisory,
            durability: Durability::Run,
            pipeline: 16,
            backfills: Backfills::Inline,
            run_backfills: false,
            backfill: crate::backfill::Settings {
                lock_timeouts: Vec::new(),
                ..crate::backfill::Settings::default()
            },
        }
    }
}

/// What a run reports as it goes: a step about to start, a step tried again after a lock
/// timeout, and a step done.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A migration is about to run.
    Started {
        /// Its id.
        revision: &'a str,
        /// Its message.
        message: &'a str,
        /// The revisions it revises.
        parents: &'a [String],
        /// Up or down.
        direction: Direction,
    },
    /// A migration's statement waited its whole lock timeout: the migration is tried again.
    LockRetry {
        /// The migration.
        revision: &'a str,
        /// The attempt about to start (2 for the first retry).
        attempt: u32,
        /// The timeout that ran out.
        waited: Duration,
        /// The next attempt's timeout.
        next: Duration,
        /// The pause before it.
        pause: Duration,
        /// The database's message.
        message: &'a str,
    },
    /// A migration ran, with its bookkeeping.
    Finished(&'a StepReport),
    /// Before anything runs: a revision beyond this build will be reverted from the downgrade
    /// the log stored for it, SQL this program does not carry, shown here whole.
    StoredDowngrade {
        /// The revision.
        revision: &'a str,
        /// Its stored statements, in order.
        statements: &'a [String],
    },
    /// A backfill job's progress.
    Backfill(crate::backfill::Event<'a>),
}

/// One migration run (or reverted).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StepReport {
    /// Its id.
    pub revision: String,
    /// Its message.
    pub message: String,
    /// The revisions it revises.
    pub parents: Vec<String>,
    /// Up or down.
    pub direction: Direction,
    /// How long it took, bookkeeping included.
    pub elapsed: Duration,
    /// How many times it was tried again after a lock timeout.
    pub retries: u32,
}

/// What a run did, and where it left the database.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Run {
    /// The steps, in the order they ran.
    pub steps: Vec<StepReport>,
    /// The version table's rows afterwards: one per current head.
    pub current: Vec<String>,
}

/// Where the runner's database is: a URL it connects to, or the service's own pool.
#[derive(Debug, Clone)]
enum Source {
    Url(DatabaseUrl),
    Pool(Pool),
}

/// Applies a catalogue's migrations to one database.
pub struct Runner<'c> {
    catalog: &'c Catalog,
    source: Source,
    tables: Tables,
    options: Options,
}

impl<'c> Runner<'c> {
    /// A runner that connects to `url`.
    pub fn new(catalog: &'c Catalog, url: DatabaseUrl, options: Options) -> Result<Runner<'c>> {
        Runner::over(catalog, Source::Url(url), options)
    }

    /// A runner that takes its connection from the service's pool (a `PgPool`, `SqlitePool`
    /// or `MySqlPool`, or a reference to one), under the same lock as every other runner.
    pub fn with_pool(
        catalog: &'c Catalog,
        pool: impl Into<Pool>,
        options: Options,
    ) -> Result<Runner<'c>> {
        Runner::over(catalog, Source::Pool(pool.into()), options)
    }

    fn over(catalog: &'c Catalog, source: Source, mut options: Options) -> Result<Runner<'c>> {
        // A tenant's schema holds its own bookkeeping (and its own lock key).
        let tenant = match &source {
            Source::Url(url) => url.schema(),
            Source::Pool(_) => None,
        };
        if let Some(schema) = tenant {
            if options.version_table.contains('.') {
                return Err(crate::bookkeeping::NameError::TenantSchema {
                    name: options.version_table,
                    schema: schema.to_string(),
                }
                .into());
            }
            options.version_table = format!("{schema}.{}", options.version_table);
        }
        let mut tables = Tables::new(&options.version_table)?;
        tables.own_schema = tenant.is_some();
        let kind = match &source {
            Source::Url(url) => url.kind(),
            Source::Pool(pool) => pool.kind(),
        };
        let lease = match options.lock {
            Lock::Advisory => None,
            Lock::Lease { duration } => Some(duration),
        };
        if let Some(length) = lease
            && !(SHORTEST_LEASE..=LONGEST_LEASE).contains(&length)
        {
            return Err(LeaseError::Length {
                length,
                shortest: SHORTEST_LEASE,
                longest: LONGEST_LEASE,
            }
            .into());
        }
        tables.check_for(kind)?;
        Ok(Runner {
            catalog,
            source,
            tables,
            options,
        })
    }

    /// The same database and options, with another catalogue: one a command has just written
    /// to disk, for instance.
    pub fn with_catalog<'d>(&self, catalog: &'d Catalog) -> Runner<'d> {
        Runner {
            catalog,
            source: self.source.clone(),
            tables: self.tables.clone(),
            options: self.options.clone(),
        }
    }

    /// The migrations it runs.
    pub fn catalog(&self) -> &Catalog {
        self.catalog
    }

    /// The URL it connects to; `None` for a pool.
    pub fn url(&self) -> Option<&DatabaseUrl> {
        match &self.source {
            Source::Url(url) => Some(url),
            Source::Pool(_) => None,
        }
    }

    /// The database family.
    pub fn kind(&self) -> Database {
        match &self.source {
            Source::Url(url) => url.kind(),
            Source::Pool(pool) => pool.kind(),
        }
    }

    /// The database, as it may be printed: its URL with the password masked, or the pool.
    pub fn describe(&self) -> String {
        match &self.source {
            Source::Url(url) => url.to_string(),
            Source::Pool(pool) => format!("the service's {} pool", pool.kind()),
        }
    }

    /// How it runs.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The bookkeeping tables this runner reads and writes.
    pub fn tables(&self) -> &Tables {
        &self.tables
    }

    /// The statements that add to a log an older build created the record columns it lacks.
    fn outdated_log_ddl(&self, kind: Database, status: &Records) -> Vec<String> {
        match &status.outdated_log {
            Some(present) => self.tables.extend_log(kind, present),
            None => Vec::new(),
        }
    }

    /// A SQLite URL whose file does not exist: a database at base, which reading would create.
    fn sqlite_file_missing(&self) -> bool {
        matches!(&self.source, Source::Url(url) if url.sqlite_path().is_some_and(|p| !p.exists()))
    }

    /// The size of every table, from the database's statistics; changes nothing.
    pub async fn table_sizes(&self) -> Result<Vec<TableSize>> {
        let mut connection = self.open_for_reading().await?;
        let sizes = connection.table_sizes(&self.tables).await;
        connection.close().await;
        sizes
    }

    /// Reads what the bookkeeping records without changing anything (a missing SQLite file
    /// reads as empty); [`Runner::standing`] judges it.
    pub async fn records(&self) -> Result<Records> {
        if self.sqlite_file_missing() {
            return Ok(Records::read(self.catalog, Default::default()));
        }
        let mut connection = self.open_for_reading().await?;
        let stored = connection.read(&self.tables).await;
        connection.close().await;
        Ok(Records::read(self.catalog, stored?))
    }
}

impl Catalog {
    /// Applies what `target` needs through the service's own pool, with default options but
    /// backfills deferred: what a service runs at start, before its health check gives up on
    /// it. Their jobs wait for [`Catalog::backfill`], which the service runs in the
    /// background; a revision that requires one not done is refused. Returns what ran.
    pub async fn upgrade(
        &self,
        pool: impl Into<Pool>,
        target: &aurora_migrate_core::revision::Target,
    ) -> Result<Run> {
        let options = Options::default().with_backfills(Backfills::Defer);
        Runner::with_pool(self, pool, options)?
            .upgrade(target, &mut |_| {})
            .await
    }

    /// Runs every backfill not done through the service's own pool, until each is done:
    /// what a service spawns in the background once it has migrated with
    /// [`Backfills::Defer`]. Replicas share each job through its lease; a restart resumes it.
    pub async fn backfill(&self, pool: impl Into<Pool>) -> Result<Vec<crate::backfill::Job>> {
        Runner::with_pool(self, pool, Options::default())?
            .run_backfills(None, &mut |_| {})
            .await
    }

    /// Where the database behind the pool stands against these migrations, for a readiness
    /// probe; changes nothing.
    pub async fn standing(&self, pool: impl Into<Pool>) -> Result<standing::Standing> {
        Runner::with_pool(self, pool, Options::default())?
            .standing()
            .await
    }
}
