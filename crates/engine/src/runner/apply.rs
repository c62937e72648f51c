//! Applying a plan: each step's statements with its bookkeeping in one transaction, an event
//! as each starts and ends, and an interrupt honoured by rolling the step in progress back.
//! Must not import autogenerate.

use crate::driver::Capabilities;
use std::time::Instant;

use super::locks::LockRetries;
use super::prepared::Prepared;
use super::{Event, Records, Runner, StepReport, Transaction};
use crate::bookkeeping;
#[cfg(feature = "postgres")]
use crate::driver::Commit;
#[cfg(any(feature = "postgres", feature = "sqlite"))]
use crate::driver::StepTransaction;
use crate::driver::{Connection, Failure, Journaling, RunTransaction, Work};
use crate::error::{Error, Result};
use aurora_migrate_core::{Database, Direction};

impl Runner<'_> {
    pub(super) async fn apply(
        &self,
        connection: &mut Connection,
        status: &Records,
        steps: &[Prepared<'_>],
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Vec<StepReport>> {
        if steps.is_empty() {
            return Ok(Vec::new());
        }
        let mut ddl = match status.tables_exist {
            true => Vec::new(),
            false => self.tables.create(connection.kind()),
        };
        ddl.extend(self.outdated_log_ddl(connection.kind(), status));
        // Made once, before the first journaled migration: no statement of a run when it is
        // there already.
        let journaled = steps.iter().any(|step| step.journaled(connection.kind()));
        if journaled && !status.journal_exists {
            ddl.extend(self.tables.journal_ddl(connection.kind(), false));
        }
        // The jobs table is made with the first revision that has a backfill, so the runners
        // that run its job do not race to make it; a reverted backfill's job goes with its
        // revision, in the step's transaction.
        if steps.iter().any(|s| s.backfill) {
            ddl.push(self.tables.job_sql(connection.kind()).create());
        }
        if !ddl.is_empty() {
            connection.run_in_transaction(&ddl).await?;
        }
        let whole = self.options.transaction == Transaction::All;
        if !whole {
            return self.apply_steps(connection, steps, on_event).await;
        }
        connection.run_transaction(RunTransaction::Begin).await?;
        let mut result = self.apply_steps(connection, steps, on_event).await;
        if result.is_ok()
            && let Err(e) = connection.fence_run(&self.tables).await
        {
            result = Err(e);
        }
        match result {
            Ok(reports) => {
                connection.run_transaction(RunTransaction::Commit).await?;
                Ok(reports)
            }
            Err(e) => {
                // A failed or interrupted step has rolled the run back already.
                let rolled_back = matches!(
                    &e,
                    Error::Step(_)
                        | Error::Interrupted {
                            revision: Some(_),
                            ..
                        }
                );
                if !rolled_back {
                    let _ = connection.run_transaction(RunTransaction::Rollback).await;
                }
                Err(e)
            }
        }
    }

    async fn apply_steps(
        &self,
        connection: &mut Connection,
        steps: &[Prepared<'_>],
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Vec<StepReport>> {
        let mut reports: Vec<StepReport> = Vec::with_capacity(steps.len());
        match self
            .apply_each(connection, steps, on_event, &mut reports)
            .await
        {
            Ok(()) => Ok(reports),
            Err(e) if self.options.transaction == Transaction::All => Err(e),
            Err(e) => {
                let committed: Vec<String> = reports.into_iter().map(|r| r.revision).collect();
                Err(self.settle(connection, &committed, e).await)
            }
        }
    }

    /// Applies the steps in turn, adding each one's report as it commits.
    async fn apply_each(
        &self,
        connection: &mut Connection,
        steps: &[Prepared<'_>],
        on_event: &mut dyn FnMut(Event<'_>),
        reports: &mut Vec<StepReport>,
    ) -> Result<()> {
        let whole = self.options.transaction == Transaction::All;
        let mut index = 0;
        while index < steps.len() {
            // Several migrations in one message, where that is safe; what did not commit then
            // runs alone below, so a failure reads exactly as it would have.
            if self.pipelined(connection.kind(), &steps[index..]) > 1 {
                if let Some(lost) = connection.lease_lost() {
                    return Err(lost);
                }
                let (committed, all) = self
                    .apply_group(connection, steps, index, on_event, reports)
                    .await;
                index += committed;
                if all {
                    continue;
                }
                if let Some(signal) = self.interrupt().and_then(|i| i.raised()) {
                    return Err(Error::Interrupted {
                        signal,
                        revision: Some(steps[index].revision.clone()),
                        done: reports.iter().map(|r| r.revision.clone()).collect(),
                    });
                }
            }
            let step = &steps[index];
            index += 1;
            let applied = || reports.iter().map(|r| r.revision.clone()).collect();
            // Under --transaction all nothing is kept until the end: a failure undoes them all.
            let done = || if whole { Vec::new() } else { applied() };
            if let Some(signal) = self.interrupt().and_then(|i| i.raised()) {
                return Err(Error::Interrupted {
                    signal,
                    revision: None,
                    done: done(),
                });
            }
            if let Some(lost) = connection.lease_lost() {
                return Err(lost);
            }
            on_event(Event::Started {
                revision: &step.revision,
                message: &step.message,
                parents: &step.parents,
                direction: step.direction,
            });
            step.trace();
            let started = Instant::now();
            let resume_at = self.resume_at(connection, step).await?;
            let retries = match self
                .apply_step(connection, steps, index - 1, resume_at, on_event)
                .await
            {
                Ok(retries) => retries,
                Err(failure) => {
                    if let Some(signal) = self.interrupt().and_then(|i| i.raised()).filter(|_| {
                        failure.interrupted
                            || (step.transactional
                                && Capabilities::of(connection.kind()).transactional_ddl)
                    }) {
                        return Err(Error::Interrupted {
                            signal,
                            revision: Some(step.revision.clone()),
                            done: done(),
                        });
                    }
                    return Err(self.step_failure(step, failure, applied()));
                }
            };
            let report = StepReport {
                revision: step.revision.clone(),
                message: step.message.clone(),
                parents: step.parents.clone(),
                direction: step.direction,
                elapsed: started.elapsed(),
                retries,
            };
            on_event(Event::Finished(&report));
            reports.push(report);
        }
        Ok(())
    }

    pub(super) fn interrupt(&self) -> Option<&crate::interrupt::Interrupt> {
        self.options.interrupt.as_ref()
    }

    /// Under the lease lock a step commits only while the lease is still ours; a whole run is
    /// fenced once, before its commit, so it holds no lease row lock meanwhile.
    pub(super) fn fence(&self, connection: &mut Connection) -> Option<String> {
        match self.options.transaction {
            Transaction::All => None,
            Transaction::PerMigration => connection.lease_fence(&self.tables),
        }
    }

    /// A step's bookkeeping statements, after the fence.
    pub(super) fn bookkeeping(
        &self,
        kind: Database,
        step: &Prepared<'_>,
        fence: Option<&str>,
        elapsed: bookkeeping::Elapsed,
    ) -> Vec<String> {
        let delete_rows: Vec<&str> = step.delete_rows.iter().map(String::as_str).collect();
        let insert_rows: Vec<&str> = step.insert_rows.iter().map(String::as_str).collect();
        let upgrade = step.direction == Direction::Upgrade;
        let mut statements: Vec<String> = fence.map(str::to_string).into_iter().collect();
        if step.journaled(kind) {
            // Done with the rest of its bookkeeping: applied again later, it starts afresh.
            statements.push(self.tables.journal_clear(&step.revision, step.direction));
        }
        statements.extend(bookkeeping::step_statements(
            kind,
            &self.tables,
            &delete_rows,
            &insert_rows,
            step.record.as_ref(),
            (!upgrade).then_some(step.revision.as_str()),
            elapsed,
        ));
        // Applied or reverted, the revision's job starts afresh: a job left from an earlier
        // application never passes for this one's.
        if step.backfill {
            statements.push(self.tables.job_sql(kind).delete(&step.revision));
        }
        statements
    }

    /// Runs `steps[index]` from its statement `resume_at`, trying it again after a lock
    /// timeout on the schedule of [`LockRetries`]; returns how many retries it took.
    async fn apply_step(
        &self,
        connection: &mut Connection,
        steps: &[Prepared<'_>],
        index: usize,
        resume_at: usize,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> std::result::Result<u32, Failure> {
        let step = &steps[index];
        let kind = connection.kind();
        let fence = self.fence(connection);
        let bookkeeping = |elapsed| self.bookkeeping(kind, step, fence.as_deref(), elapsed);
        let enclosed = self.options.transaction == Transaction::All;
        // Inside the run's transaction a timeout would undo the whole run: no retries there.
        let schedule = match enclosed {
            true => vec![None],
            false => self
                .options
                .statement_locks
                .schedule(step.lock_timeout, connection.lock_timeout_unit()),
        };
        // What stays of a failed attempt: nothing of a transactional step on PostgreSQL and
        // SQLite; otherwise the statements before the one that timed out, which the step
        // journal records.
        let journaled = step.journaled(kind);
        // Read from the system only for a step that writes it.
        let who = match journaled {
            true => crate::bookkeeping::who(),
            false => String::new(),
        };
        let mut start = resume_at;
        let mut attempt = 0;
        loop {
            let work = Work {
                statements: &step.statements[start..],
                bookkeeping: &bookkeeping,
                lock_timeout: schedule[attempt],
                #[cfg(any(feature = "postgres", feature = "mysql"))]
                final_attempt: attempt + 1 == schedule.len(),
                #[cfg(feature = "sqlite")]
                interrupt: self.interrupt(),
                #[cfg(any(feature = "postgres", feature = "sqlite"))]
                transaction: StepTransaction {
                    transactional: step.transactional,
                    enclosed,
                },
                #[cfg(feature = "postgres")]
                commit: Commit {
                    durable: self.durable_step(kind, index, steps.len()),
                    guard: None,
                },
                journal: journaled.then(|| Journaling {
                    tables: &self.tables,
                    revision: &step.revision,
                    direction: step.direction,
                    first: start,
                    who: &who,
                    #[cfg(feature = "mysql")]
                    continued: attempt > 0,
                }),
            };
            let mut failure = match self.attempt(connection, &work).await {
                Ok(()) => return Ok(attempt as u32),
                Err(failure) => failure,
            };
            failure.statement = failure.statement.map(|index| index + start);
            failure.attempts = attempt as u32 + 1;
            let retry = failure.lock_timeout
                && attempt + 1 < schedule.len()
                && self.interrupt().is_none_or(|i| i.raised().is_none());
            let (true, Some(waited)) = (retry, schedule[attempt]) else {
                if journaled && failure.lock_timeout && failure.statement == Some(0) {
                    // The first statement never got its lock: nothing ran, so nothing stands
                    // part-way.
                    let clear = self.tables.journal_clear(&step.revision, step.direction);
                    failure.nothing_kept = connection.run_in_transaction(&[clear]).await.is_ok();
                }
                return Err(failure);
            };
            if journaled {
                start = failure.statement.unwrap_or(step.statements.len());
            }
            let pause = LockRetries::pause(waited);
            on_event(Event::LockRetry {
                revision: &step.revision,
                attempt: attempt as u32 + 2,
                waited,
                next: schedule[attempt + 1].unwrap_or(waited),
                pause,
                message: &failure.message,
            });
            self.pause(pause).await;
            attempt += 1;
        }
    }

    /// Waits before the next attempt, or less when the interrupt is raised.
    async fn pause(&self, pause: std::time::Duration) {
        match self.interrupt() {
            Some(interrupt) => {
                tokio::select! {
                    () = tokio::time::sleep(pause) => {}
                    () = interrupt.wait() => {}
                }
            }
            None => tokio::time::sleep(pause).await,
        }
    }

    /// One attempt; a raised interrupt cancels the statement the server is running.
    async fn attempt(
        &self,
        connection: &mut Connection,
        work: &Work<'_>,
    ) -> std::result::Result<(), Failure> {
        let cancel = connection.canceller();
        self.cancelled_on_interrupt(cancel, connection.apply(work))
            .await
    }

    /// Runs `running` on the server; a raised interrupt cancels the statement it runs (the
    /// server stops there, and that statement's transaction rolls back), then waits for it.
    pub(super) async fn cancelled_on_interrupt<T>(
        &self,
        cancel: Option<crate::driver::Canceller>,
        running: impl std::future::Future<Output = T>,
    ) -> T {
        let (Some(interrupt), Some(cancel)) = (self.interrupt(), cancel) else {
            return running.await;
        };
        tokio::pin!(running);
        tokio::select! {
            result = &mut running => result,
            () = interrupt.wait() => {
                cancel.await;
                running.await
            }
        }
    }
}
