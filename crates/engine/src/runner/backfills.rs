//! The runner's side of backfills: which applied revisions have one on this database, the
//! gate before a revision that requires one (refused, or its batches run first), the jobs an
//! upgrade runs inline, and running, pausing, resuming and cancelling a job as a command.
//! Must not import autogenerate.

use super::prepared::Prepared;
use super::{Event, Records, Runner, Transaction};
use crate::backfill::{self, Job, JobState};
use crate::driver::Connection;
use crate::error::{BackfillError, Error, Result};
use aurora_migrate_core::{Backfill, Direction};

/// When an upgrade runs the backfills of the revisions it applies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Backfills {
    /// In the upgrade: each before a revision that requires it, the rest once the migrations
    /// are applied. For small tables and offline hosts.
    #[default]
    Inline,
    /// Later: by the service in the background, or by the backfill command. A revision that
    /// requires one that is not done is refused.
    Defer,
}

/// What must happen before the step at an index: the jobs run first.
pub(super) struct Gate {
    pub before: usize,
    pub jobs: Vec<String>,
}

impl Gate {
    /// The end of a plan of `len` steps, where nothing waits.
    pub(super) fn end(len: usize) -> Gate {
        Gate {
            before: len,
            jobs: Vec::new(),
        }
    }
}

impl Runner<'_> {
    /// The same runner, its backfill jobs run with `settings` (an empty lock timeout schedule
    /// takes the runner's).
    pub fn with_backfill_settings(mut self, settings: backfill::Settings) -> Self {
        self.options.backfill = settings;
        self
    }

    /// The backfills of every applied revision, as their jobs stand; changes nothing.
    pub async fn backfills(&self) -> Result<Vec<Job>> {
        Ok(self.records_and_jobs().await?.1)
    }

    /// The bookkeeping and the jobs of the applied revisions' backfills, read on one
    /// connection (a missing SQLite file reads as empty).
    pub(super) async fn records_and_jobs(&self) -> Result<(Records, Vec<Job>)> {
        if self.sqlite_file_missing() {
            return Ok((Records::read(self.catalog, Default::default()), Vec::new()));
        }
        let mut connection = self.open_for_reading().await?;
        let read = async {
            let records = Records::read(self.catalog, connection.read(&self.tables).await?);
            let declared = self.declared(records.applied.set.iter().copied());
            let jobs = match declared.is_empty() {
                true => Vec::new(),
                false => backfill::jobs(&mut connection, &self.tables, &declared).await?,
            };
            Ok((records, jobs))
        }
        .await;
        connection.close().await;
        read
    }

    /// Runs the backfill of `revision` (or of every applied revision whose job is not done)
    /// until done, beside the services: batches under each job's lease, not the migration lock.
    /// Its future is `Send` when `on_event` is, so a service can spawn it.
    pub async fn run_backfills<F: FnMut(Event<'_>) + ?Sized>(
        &self,
        revision: Option<&str>,
        on_event: &mut F,
    ) -> Result<Vec<Job>> {
        let jobs = self.backfills().await?;
        let chosen: Vec<&Job> = match revision {
            Some(name) => vec![self.job_named(&jobs, name)?],
            None => jobs.iter().filter(|j| !j.is_done()).collect(),
        };
        let mut connection = self.connect_for_backfills().await?;
        let mut finished = Vec::new();
        for job in chosen {
            let ran = self
                .walk(&mut connection, &job.revision, false, on_event)
                .await;
            match ran {
                Ok(job) => finished.push(job),
                Err(e) => {
                    connection.close().await;
                    return Err(e);
                }
            }
        }
        connection.close().await;
        Ok(finished)
    }

    /// An operator's pause (`JobState::Paused`), cancel (`Cancelled`) or resume (`Running`) of
    /// `revision`'s backfill, with a reason the job keeps; the job after it.
    pub async fn set_backfill(
        &self,
        revision: &str,
        to: JobState,
        reason: Option<&str>,
    ) -> Result<Job> {
        let jobs = self.backfills().await?;
        let job = self.job_named(&jobs, revision)?;
        let mut connection = self.connect_for_backfills().await?;
        let changed = backfill::set_state(
            &mut connection,
            &self.tables,
            &job.revision,
            &job.table,
            to,
            reason,
        )
        .await;
        connection.close().await;
        changed
    }

    fn job_named<'j>(&self, jobs: &'j [Job], name: &str) -> Result<&'j Job> {
        jobs.iter()
            .find(|j| j.revision == name || name.len() >= 4 && j.revision.starts_with(name))
            .ok_or_else(|| {
                Error::Backfill(BackfillError::Unknown {
                    revision: name.to_string(),
                    known: jobs.iter().map(|j| j.revision.clone()).collect(),
                })
            })
    }

    /// A connection of the jobs' own: taken out of the service's pool, so that a task dropped
    /// mid-batch never hands back a connection inside a transaction.
    async fn connect_for_backfills(&self) -> Result<Connection> {
        Ok(self.open_for_reading().await?.detached())
    }

    /// Revisions among `indices` with a backfill on this database, and its table.
    pub(super) fn declared(&self, indices: impl Iterator<Item = usize>) -> Vec<(String, String)> {
        let kind = self.kind();
        let graph = self.catalog.graph();
        let mut declared: Vec<(usize, String, String)> = indices
            .filter(|&i| i < self.catalog.len())
            .filter_map(|i| {
                let migration = self.catalog.migration(i);
                let backfill = migration.backfill(kind)?;
                Some((
                    graph.rank(i),
                    migration.id.to_string(),
                    backfill.table.to_string(),
                ))
            })
            .collect();
        declared.sort();
        declared.into_iter().map(|(_, r, t)| (r, t)).collect()
    }

    fn declaration(&self, revision: &str) -> Option<&Backfill> {
        let index = self.catalog.graph().index_of(revision)?;
        self.catalog.migration(index).backfill(self.kind())
    }

    /// Runs the job `step` requires, within an upgrade, until it is done: a job an operator
    /// pauses or cancels meanwhile stops the upgrade before `step`, refused as the gate refuses.
    pub(super) async fn walk_for<F: FnMut(Event<'_>) + ?Sized>(
        &self,
        connection: &mut Connection,
        revision: &str,
        step: &Prepared<'_>,
        on_event: &mut F,
    ) -> Result<Job> {
        let job = self.walk(connection, revision, true, on_event).await?;
        if !job.is_done() {
            return Err(Error::Backfill(BackfillError::Pending {
                revision: step.revision.clone(),
                job: Box::new(job),
                in_plan: false,
            }));
        }
        Ok(job)
    }

    /// Runs one job on `connection`, reporting through the run's events; `in_upgrade`: a
    /// pause ends it (the runners' lock is not held while an operator decides).
    pub(super) async fn walk<F: FnMut(Event<'_>) + ?Sized>(
        &self,
        connection: &mut Connection,
        revision: &str,
        in_upgrade: bool,
        on_event: &mut F,
    ) -> Result<Job> {
        let Some(declaration) = self.declaration(revision) else {
            return Err(Error::Backfill(BackfillError::Unknown {
                revision: revision.to_string(),
                known: Vec::new(),
            }));
        };
        let mut settings = self.options.backfill.clone();
        settings.stop_when_paused |= in_upgrade;
        if settings.interrupt.is_none() {
            settings.interrupt = self.options.interrupt.clone();
        }
        if settings.lock_timeouts.is_empty() {
            // The runner's schedule, as the revision's `Lock Timeout` sets it; a batch always
            // has one (`none` leaves the default), since it runs beside the traffic.
            let setting = self
                .catalog
                .graph()
                .index_of(revision)
                .map(|i| self.catalog.migration(i).lock_timeout);
            settings.lock_timeouts = self
                .options
                .statement_locks
                .schedule(setting.unwrap_or_default(), connection.lock_timeout_unit())
                .into_iter()
                .flatten()
                .collect();
            if settings.lock_timeouts.is_empty() {
                settings.lock_timeouts = backfill::Settings::default().lock_timeouts;
            }
        }
        backfill::walk(
            connection,
            &self.tables,
            revision,
            declaration,
            &settings,
            &mut |event| on_event(Event::Backfill(event)),
        )
        .await
    }

    /// The gates of an upgrade's steps, or the refusal of the first that cannot pass: a
    /// required job must be done, or run first (a revision of this plan's, inline; an earlier
    /// one's, when asked to).
    pub(super) async fn gates(
        &self,
        connection: &mut Connection,
        steps: &[Prepared<'_>],
    ) -> Result<Vec<Gate>> {
        let mut gates = Vec::new();
        let wanted = steps.iter().any(|s| !s.requires_backfill.is_empty());
        if !wanted
            || steps
                .first()
                .is_some_and(|s| s.direction == Direction::Downgrade)
        {
            return Ok(gates);
        }
        let all: Vec<usize> = (0..self.catalog.len()).collect();
        let declared = self.declared(all.into_iter());
        let jobs = backfill::jobs(connection, &self.tables, &declared).await?;
        let whole = self.options.transaction == Transaction::All;
        let inline = self.options.backfills == Backfills::Inline;
        for (index, step) in steps.iter().enumerate() {
            let mut run = Vec::new();
            for required in &step.requires_backfill {
                let Some(job) = jobs.iter().find(|j| j.revision == *required) else {
                    continue; // no backfill on this database
                };
                // A revision applied in this plan starts its job afresh (its step clears any
                // row an earlier application left), whatever that row says.
                let in_plan = steps[..index].iter().any(|s| s.revision == *required);
                if job.is_done() && !in_plan {
                    continue;
                }
                let runnable =
                    in_plan || matches!(job.state, JobState::Pending | JobState::Running);
                let allowed = match in_plan {
                    true => inline || self.options.run_backfills,
                    false => self.options.run_backfills,
                };
                if !allowed || !runnable || whole {
                    return Err(Error::Backfill(BackfillError::Pending {
                        revision: step.revision.clone(),
                        job: Box::new(job.clone()),
                        in_plan,
                    }));
                }
                run.push(required.clone());
            }
            if !run.is_empty() {
                gates.push(Gate {
                    before: index,
                    jobs: run,
                });
            }
        }
        Ok(gates)
    }

    /// After an upgrade applied `steps`: their backfills, inline.
    pub(super) async fn backfill_applied(
        &self,
        connection: &mut Connection,
        steps: &[Prepared<'_>],
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<()> {
        let upgrade = steps
            .first()
            .is_some_and(|s| s.direction == Direction::Upgrade);
        if !upgrade || self.options.backfills != Backfills::Inline {
            return Ok(());
        }
        for step in steps.iter().filter(|s| s.backfill) {
            self.walk(connection, &step.revision, true, on_event)
                .await?;
        }
        Ok(())
    }
}
