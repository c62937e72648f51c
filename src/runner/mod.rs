//! The runner: connect once, lock once, read the bookkeeping once, verify checksums, plan
//! with the revision graph, and apply each step with its bookkeeping in one transaction.

pub mod history;
pub mod scratch;
mod state;

use std::time::{Duration, Instant};

use crate::dialect::{Connection, Work};
use crate::error::{Error, Result, StepFailure};
use crate::migration::parse::Direction;
use crate::migration::{Catalog, direction_name};
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
}

impl Default for Options {
    fn default() -> Options {
        Options {
            version_table: "alembic_version".into(),
            connect_timeout: Duration::from_secs(10),
        }
    }
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

    /// Reads what is applied without changing anything (a missing SQLite file reads as empty).
    pub async fn status(&self) -> Result<Status> {
        if self.url.sqlite_path().is_some_and(|p| !p.exists()) {
            return Ok(Status::read(self.catalog, Default::default()));
        }
        let mut connection =
            Connection::open(&self.url, false, self.options.connect_timeout).await?;
        let stored = connection.read(&self.tables).await;
        connection.close().await;
        Ok(Status::read(self.catalog, stored?))
    }

    /// Reads the database's schema (for autogenerate and `check`), changing nothing.
    pub async fn introspect(&self) -> Result<crate::schema::introspect::Introspection> {
        let mut connection =
            Connection::open(&self.url, false, self.options.connect_timeout).await?;
        let result = crate::schema::introspect::introspect(&mut connection, &self.tables).await;
        connection.close().await;
        result
    }

    /// Applies what `target` needs, reporting each step as it finishes.
    pub async fn upgrade(
        &self,
        target: &Target,
        on_step: &mut dyn FnMut(&StepReport),
    ) -> Result<Run> {
        let (mut connection, status) = self.begin().await?;
        let result = async {
            status.verify(self.catalog)?;
            let graph = self.catalog.graph();
            let destination = target::resolve(graph, target, &status.current)?;
            let steps = plan::upgrade(graph, &status.applied, &destination)?;
            let reports = self
                .apply(&mut connection, &status, &steps, on_step)
                .await?;
            Ok(Run {
                steps: reports,
                current: self.rows_after(&status, &steps),
            })
        }
        .await;
        self.finish(connection, result).await
    }

    /// Reverts down to `target`, reporting each step as it finishes.
    pub async fn downgrade(
        &self,
        target: &Target,
        on_step: &mut dyn FnMut(&StepReport),
    ) -> Result<Run> {
        let (mut connection, status) = self.begin().await?;
        let result = async {
            status.verify(self.catalog)?;
            let graph = self.catalog.graph();
            let destination = target::resolve(graph, target, &status.current)?;
            let steps = plan::downgrade(graph, &status.applied, &destination)?;
            let reports = self
                .apply(&mut connection, &status, &steps, on_step)
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

    /// Connects, takes the lock and reads the state, all once per run.
    async fn begin(&self) -> Result<(Connection, Status)> {
        let mut connection =
            Connection::open(&self.url, true, self.options.connect_timeout).await?;
        if let Err(e) = connection.lock(&self.tables).await {
            connection.close().await;
            return Err(e);
        }
        match connection.read(&self.tables).await {
            Ok(stored) => Ok((connection, Status::read(self.catalog, stored))),
            Err(e) => {
                let _ = self.finish(connection, Ok(())).await;
                Err(e)
            }
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

    async fn apply(
        &self,
        connection: &mut Connection,
        status: &Status,
        steps: &[Step],
        on_step: &mut dyn FnMut(&StepReport),
    ) -> Result<Vec<StepReport>> {
        if steps.is_empty() {
            return Ok(Vec::new());
        }
        if !status.tables_exist {
            connection
                .run_in_transaction(&self.tables.create(connection.kind()))
                .await?;
        }
        let graph = self.catalog.graph();
        let kind = connection.kind();
        let mut reports = Vec::with_capacity(steps.len());
        for step in steps {
            let migration = self.catalog.migration(step.revision);
            let statements = migration.statements(kind, step.direction)?;
            let ids = |list: &[usize]| {
                list.iter()
                    .map(|&i| graph.node(i).id.as_str())
                    .collect::<Vec<_>>()
            };
            let (delete_rows, insert_rows) = (ids(&step.delete_rows), ids(&step.insert_rows));
            let checksum = migration.checksum();
            let upgrade = step.direction == Direction::Upgrade;
            let bookkeeping = |elapsed| {
                history::step_statements(
                    kind,
                    &self.tables,
                    &delete_rows,
                    &insert_rows,
                    upgrade.then_some((migration.id.as_str(), checksum.as_str())),
                    (!upgrade).then_some(migration.id.as_str()),
                    elapsed,
                )
            };
            let work = Work {
                statements: &statements,
                transactional: migration.transactional,
                bookkeeping: &bookkeeping,
            };
            let started = Instant::now();
            if let Err(failure) = connection.apply(&work).await {
                let (line, statement) = match failure.statement {
                    Some(index) => (
                        statements[index].line + failure.line_offset,
                        excerpt(&statements[index].text),
                    ),
                    None => (
                        1,
                        "(after its last statement: checks and bookkeeping)".to_string(),
                    ),
                };
                return Err(Error::Step(Box::new(StepFailure {
                    revision: migration.id.clone(),
                    direction: direction_name(step.direction),
                    file: format!("migrations/{}", migration.file_name),
                    line,
                    statement,
                    message: failure.message,
                    transactional: migration.transactional,
                    done_before: reports
                        .iter()
                        .map(|r: &StepReport| r.revision.clone())
                        .collect(),
                })));
            }
            let report = StepReport {
                revision: migration.id.clone(),
                message: migration.message.clone(),
                direction: step.direction,
                elapsed: started.elapsed(),
            };
            on_step(&report);
            reports.push(report);
        }
        Ok(reports)
    }
}

/// The first line of a statement, shortened for an error message.
fn excerpt(text: &str) -> String {
    let first = text.lines().next().unwrap_or_default();
    let mut short: String = first.chars().take(120).collect();
    if short.len() < first.len() || text.lines().nth(1).is_some() {
        short.push_str(" ...");
    }
    short
}
