//! The runner: connect once, lock once, read the bookkeeping once, verify checksums, plan
//! with the revision graph, and apply each step with its bookkeeping in one transaction.

mod apply;
mod guard;
pub mod history;
pub mod interrupt;
pub mod scratch;
pub mod standing;
pub mod state;

use std::time::{Duration, Instant};

use crate::dialect::{Connection, Kind};
use crate::error::{Error, Result};
use crate::migration::Catalog;
use crate::migration::parse::Direction;
use crate::revision::target::{self, Target};
use crate::revision::{Applied, Step, plan};
use crate::url::DatabaseUrl;
pub use history::Tables;
pub use state::Status;

/// How to reach and keep the bookkeeping.
#[derive(Debug, Clone)]
pub struct Options {
    pub version_table: String,
    pub connect_timeout: Duration,
    /// Keep retrying the first connection this long while the server does not answer.
    pub wait: Option<Duration>,
    /// Give up waiting for another runner's lock after this long.
    pub lock_timeout: Option<Duration>,
    /// Raised to stop: the migration in progress rolls back and the lock is released.
    pub interrupt: Option<interrupt::Interrupt>,
    /// Clear a dirty mark (MySQL) and run that migration again from its first statement.
    pub force: bool,
    pub transaction: Transaction,
    /// Refuse a downgrade whose plan reverts every applied revision, or drops a table or a
    /// column of a table that holds rows (see [`crate::migration::effects`] for what is seen).
    pub refuse_data_loss: bool,
}

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
        }
    }
}

/// What a run reports as it goes: a step about to start, and a step done.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    Started {
        revision: &'a str,
        message: &'a str,
        direction: Direction,
    },
    Finished(&'a StepReport),
}

/// One migration run (or reverted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReport {
    pub revision: String,
    pub message: String,
    pub direction: Direction,
    pub elapsed: Duration,
}

/// What a run did, and where it left the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub steps: Vec<StepReport>,
    /// The version table's rows afterwards: one per current head.
    pub current: Vec<String>,
}

/// Applies a catalogue's migrations to one database.
pub struct Runner<'c> {
    catalog: &'c Catalog,
    url: DatabaseUrl,
    tables: Tables,
    options: Options,
}

impl<'c> Runner<'c> {
    pub fn new(catalog: &'c Catalog, url: DatabaseUrl, options: Options) -> Result<Runner<'c>> {
        let tables = Tables::new(&options.version_table)?;
        tables.check_for(url.kind())?;
        Ok(Runner {
            catalog,
            url,
            tables,
            options,
        })
    }

    pub fn catalog(&self) -> &Catalog {
        self.catalog
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The bookkeeping tables this runner reads and writes.
    pub fn tables(&self) -> &Tables {
        &self.tables
    }

    /// Reads what is applied without changing anything (a missing SQLite file reads as empty).
    pub async fn status(&self) -> Result<Status> {
        if self.url.sqlite_path().is_some_and(|p| !p.exists()) {
            return Ok(Status::read(self.catalog, Default::default()));
        }
        let mut connection = self.connect(false).await?;
        let stored = connection.read(&self.tables).await;
        connection.close().await;
        Ok(Status::read(self.catalog, stored?))
    }

    /// Reads the database's schema (for autogenerate and `check`), changing nothing.
    pub async fn introspect(&self) -> Result<crate::schema::introspect::Introspection> {
        let mut connection = self.connect(false).await?;
        let result = crate::schema::introspect::introspect(&mut connection, &self.tables).await;
        connection.close().await;
        result
    }

    /// Applies what `target` needs, reporting each step as it finishes.
    pub async fn upgrade(
        &self,
        target: &Target,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Run> {
        self.migrate(target, Direction::Upgrade, on_event).await
    }

    /// Reverts down to `target`, reporting each step as it finishes.
    pub async fn downgrade(
        &self,
        target: &Target,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Run> {
        self.migrate(target, Direction::Downgrade, on_event).await
    }

    async fn migrate(
        &self,
        target: &Target,
        direction: Direction,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Run> {
        let whole = self.options.transaction == Transaction::All;
        if whole && self.url.kind() == Kind::Mysql {
            return Err(Error::Refused(
                "--transaction all needs a database that rolls DDL back (PostgreSQL or SQLite); \
                 MySQL commits each DDL statement as it runs: run without --transaction all"
                    .into(),
            ));
        }
        let (mut connection, status) = self.begin().await?;
        let result = async {
            status.verify(self.catalog)?;
            let graph = self.catalog.graph();
            let destination = target::resolve(graph, target, &status.current)?;
            let steps = match direction {
                Direction::Upgrade => plan::upgrade(graph, &status.applied, &destination)?,
                Direction::Downgrade => plan::downgrade(graph, &status.applied, &destination)?,
            };
            if whole {
                self.refuse_untransactional(&steps)?;
            }
            if direction == Direction::Downgrade && self.options.refuse_data_loss {
                self.refuse_data_loss(&mut connection, &status, &steps)
                    .await?;
            }
            let reports = self
                .apply(&mut connection, &status, &steps, on_event)
                .await?;
            Ok(Run {
                steps: reports,
                current: self.rows_after(&status, &steps),
            })
        }
        .await;
        self.finish(connection, result).await
    }

    /// Writes the version table as if `target` had been reached, running no migration, and
    /// records the embedded checksum of every revision it leaves applied. Returns the rows.
    pub async fn stamp(&self, target: &Target, purge: bool) -> Result<Vec<String>> {
        let (mut connection, status) = self.begin().await?;
        let result = async {
            if !purge {
                status.refuse_unknown()?;
            }
            let graph = self.catalog.graph();
            let start = if purge {
                Applied::default()
            } else {
                status.applied.clone()
            };
            let destination = target::resolve(graph, target, &status.current)?;
            let applied = state::stamped(graph, &start, &destination);
            let kind = connection.kind();
            let mut statements = self.tables.create(kind);
            statements.extend(state::stamp_statements(
                self.catalog,
                &self.tables,
                &applied,
            ));
            if kind == Kind::Mysql {
                // Stamping records where the database really is: no migration is in progress.
                statements.push(format!("DELETE FROM {}", self.tables.dirty_sql()));
            }
            connection.run_in_transaction(&statements).await?;
            Ok(applied
                .rows(graph)
                .iter()
                .map(|&r| graph.node(r).id.clone())
                .collect())
        }
        .await;
        self.finish(connection, result).await
    }

    /// `--transaction all` cannot hold a migration that runs outside any transaction.
    fn refuse_untransactional(&self, steps: &[Step]) -> Result<()> {
        match steps
            .iter()
            .map(|step| self.catalog.migration(step.revision))
            .find(|migration| !migration.transactional)
        {
            Some(migration) => Err(Error::Refused(format!(
                "revision {} (migrations/{}) declares `Transaction: none`, so it cannot run inside \
                 --transaction all; run without --transaction all",
                migration.id, migration.file_name
            ))),
            None => Ok(()),
        }
    }

    fn rows_after(&self, status: &Status, steps: &[Step]) -> Vec<String> {
        let graph = self.catalog.graph();
        let mut applied = status.applied.clone();
        for step in steps {
            match step.direction {
                Direction::Upgrade => applied.set.insert(step.revision),
                Direction::Downgrade => applied.set.remove(&step.revision),
            };
        }
        applied
            .rows(graph)
            .iter()
            .map(|&r| graph.node(r).id.clone())
            .collect()
    }

    /// Connects; with `wait`, retries with backoff while the server does not answer, the last
    /// attempt at the end of the budget.
    async fn connect(&self, create: bool) -> Result<Connection> {
        let deadline = self.options.wait.map(|wait| Instant::now() + wait);
        let mut pause = Duration::from_millis(250);
        let mut attempt = 1;
        loop {
            match Connection::open(&self.url, create, self.options.connect_timeout).await {
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
    async fn begin(&self) -> Result<(Connection, Status)> {
        let mut connection = self.until_interrupted(self.connect(true)).await?;
        let locked = self
            .until_interrupted(connection.lock(&self.tables, self.options.lock_timeout))
            .await;
        if let Err(e) = locked {
            // Closing the connection releases a lock taken just as the wait was interrupted.
            connection.close().await;
            return Err(e);
        }
        match connection.read(&self.tables).await {
            Ok(stored) => {
                let mut status = Status::read(self.catalog, stored);
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

    /// `--force`: forgets the dirty marks, so their migrations run again from the start.
    async fn clear_dirty(&self, connection: &mut Connection, status: &mut Status) -> Result<()> {
        for mark in &status.dirty {
            tracing::warn!(
                "--force: {} of {} runs again from its first statement",
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
    async fn finish<T>(&self, mut connection: Connection, result: Result<T>) -> Result<T> {
        let unlocked = connection.unlock().await;
        connection.close().await;
        let value = result?;
        unlocked?;
        Ok(value)
    }
}
