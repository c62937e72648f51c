//! Applying a plan: each step's statements with its bookkeeping in one transaction, an event
//! as each starts and ends, and an interrupt honoured by rolling the step in progress back.
//! Must not import autogenerate.

use std::time::Instant;

use super::{Event, Runner, Status, StepReport, Transaction};
use crate::bookkeeping;
use crate::driver::{Connection, Failure, RunTransaction, Work};
use crate::error::{Error, Result, StepFailure, StepOutcome};
use aurora_migrate_core::Statement;
use aurora_migrate_core::revision::Step;
use aurora_migrate_core::{Database, Direction};

impl Runner<'_> {
    pub(super) async fn apply(
        &self,
        connection: &mut Connection,
        status: &Status,
        steps: &[Step],
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Vec<StepReport>> {
        if steps.is_empty() {
            return Ok(Vec::new());
        }
        if !status.tables_exist {
            connection
                .run_in_transaction(&self.tables.create(connection.kind()))
                .await?;
        }
        let whole = self.options.transaction == Transaction::All;
        if !whole {
            return self.apply_steps(connection, steps, on_event).await;
        }
        connection.run_transaction(RunTransaction::Begin).await?;
        let result = self.apply_steps(connection, steps, on_event).await;
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
        steps: &[Step],
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Vec<StepReport>> {
        let whole = self.options.transaction == Transaction::All;
        let mut reports: Vec<StepReport> = Vec::with_capacity(steps.len());
        for step in steps {
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
            let migration = self.catalog.migration(step.revision);
            let statements =
                self.catalog
                    .statements(step.revision, connection.kind(), step.direction)?;
            on_event(Event::Started {
                revision: &migration.id,
                message: &migration.message,
                direction: step.direction,
            });
            for statement in statements.iter() {
                tracing::debug!(
                    "{} {} (migrations/{}:{}): {}",
                    step.direction.name(),
                    migration.id,
                    migration.file_name,
                    statement.line,
                    statement.text
                );
            }
            let started = Instant::now();
            if let Err(failure) = self.apply_step(connection, step, &statements).await {
                let migration = self.catalog.migration(step.revision);
                if let Some(signal) = self.interrupt().and_then(|i| i.raised()).filter(|_| {
                    failure.interrupted
                        || (migration.transactional && connection.kind() != Database::Mysql)
                }) {
                    return Err(Error::Interrupted {
                        signal,
                        revision: Some(migration.id.to_string()),
                        done: done(),
                    });
                }
                return Err(self.step_failure(step, failure, applied()));
            }
            let migration = self.catalog.migration(step.revision);
            let report = StepReport {
                revision: migration.id.to_string(),
                message: migration.message.to_string(),
                direction: step.direction,
                elapsed: started.elapsed(),
            };
            on_event(Event::Finished(&report));
            reports.push(report);
        }
        Ok(reports)
    }

    fn interrupt(&self) -> Option<&crate::interrupt::Interrupt> {
        self.options.interrupt.as_ref()
    }

    /// Runs one step; a raised interrupt cancels the statement the server is running.
    async fn apply_step(
        &self,
        connection: &mut Connection,
        step: &Step,
        statements: &[Statement],
    ) -> std::result::Result<(), Failure> {
        let graph = self.catalog.graph();
        let kind = connection.kind();
        let migration = self.catalog.migration(step.revision);
        let ids = |list: &[usize]| {
            list.iter()
                .map(|&i| graph.node(i).id.as_str())
                .collect::<Vec<_>>()
        };
        let (delete_rows, insert_rows) = (ids(&step.delete_rows), ids(&step.insert_rows));
        let checksum = &migration.checksum;
        let upgrade = step.direction == Direction::Upgrade;
        let bookkeeping = |elapsed| {
            bookkeeping::step_statements(
                kind,
                &self.tables,
                &delete_rows,
                &insert_rows,
                upgrade.then_some((migration.id.as_ref(), checksum.as_ref())),
                (!upgrade).then_some(migration.id.as_ref()),
                elapsed,
            )
        };
        let work = Work {
            statements,
            transactional: migration.transactional,
            bookkeeping: &bookkeeping,
            interrupt: self.interrupt(),
            enclosed: self.options.transaction == Transaction::All,
            revision: &migration.id,
            direction: step.direction.name(),
            tables: &self.tables,
        };
        let (Some(interrupt), Some(cancel)) = (self.interrupt(), connection.canceller()) else {
            return connection.apply(&work).await;
        };
        let running = connection.apply(&work);
        tokio::pin!(running);
        tokio::select! {
            result = &mut running => result,
            () = interrupt.wait() => {
                // The server stops at the cancelled statement; the step's transaction rolls back.
                cancel.await;
                running.await
            }
        }
    }

    fn step_failure(&self, step: &Step, failure: Failure, done_before: Vec<String>) -> Error {
        let migration = self.catalog.migration(step.revision);
        let (line, statement) = match failure.statement {
            Some(index) => match self
                .catalog
                .statements(step.revision, self.kind(), step.direction)
            {
                Ok(statements) => (
                    statements[index].line + failure.line_offset,
                    excerpt(&statements[index].text),
                ),
                Err(_) => (1, String::new()),
            },
            None => (
                1,
                "(after its last statement: checks and bookkeeping)".to_string(),
            ),
        };
        Error::Step(Box::new(StepFailure {
            revision: migration.id.to_string(),
            direction: step.direction.name(),
            file: format!("migrations/{}", migration.file_name),
            line,
            statement,
            message: failure.message,
            outcome: match (self.kind(), migration.transactional) {
                _ if self.options.transaction == Transaction::All => StepOutcome::RunRolledBack,
                (Database::Mysql, _) => StepOutcome::MarkedDirty,
                (_, true) => StepOutcome::RolledBack,
                (_, false) => StepOutcome::Kept,
            },
            done_before,
        }))
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
