//! Where a migration that runs statement by statement continues after a run that stopped
//! part-way: past the statements its journal records as done, once the file is shown to hold
//! the same statements, and once a statement left `started` is checked against the catalog.
//! Must not import autogenerate.

use super::Runner;
use super::prepared::Prepared;
use crate::bookkeeping::{StepKey, StepState, statement_hash};
use crate::driver::{Capabilities, Connection, StepCheck};
use crate::error::{Error, Origin, Result, StepInDoubt};
use crate::sql::first_keyword;
use aurora_migrate_core::Database;

impl Prepared<'_> {
    /// Its statements run one by one, each recorded in the step journal: `Transaction: none`,
    /// and every migration on MySQL, whose DDL commits as it runs.
    pub(super) fn journaled(&self, kind: Database) -> bool {
        !self.transactional || !Capabilities::of(kind).transactional_ddl
    }

    /// Where statement `step` is, as an error names it.
    pub(super) fn location(&self, step: usize) -> String {
        match (&self.origin, self.statements.get(step)) {
            (Origin::File(path), Some(statement)) => format!("{path}:{}", statement.line),
            (Origin::File(path), None) => format!("{path}, past its last statement"),
            (Origin::StoredDowngrade, _) => format!("{}, statement {}", self.origin, step + 1),
        }
    }
}

impl Runner<'_> {
    /// The index of the first statement of `step` that has not taken effect; 0 for a step
    /// its journal says nothing about.
    pub(super) async fn resume_at(
        &self,
        connection: &mut Connection,
        step: &Prepared<'_>,
    ) -> Result<usize> {
        if step.journal.is_empty() {
            return Ok(0);
        }
        if !step.journaled(connection.kind()) {
            // Its header changed since: run whole in one transaction, it would repeat what the
            // journal records as done.
            return Err(Error::StepEdited {
                revision: step.revision.clone(),
                direction: step.direction,
                step: step.journal[0].step,
                location: format!("{}, which no longer says `Transaction: none`", step.origin),
            });
        }
        // A statement that failed took no effect: editing it is how it is fixed. One that ran,
        // or may have, must be the one the file holds.
        for entry in step.journal.iter().filter(|e| e.state != StepState::Failed) {
            let same = step
                .statements
                .get(entry.step)
                .is_some_and(|s| statement_hash(&s.text) == entry.statement_hash);
            if !same {
                return Err(Error::StepEdited {
                    revision: step.revision.clone(),
                    direction: step.direction,
                    step: entry.step,
                    location: step.location(entry.step),
                });
            }
        }
        let mut start = 0;
        for entry in &step.journal {
            if entry.step != start {
                break;
            }
            match entry.state {
                StepState::Done => start += 1,
                StepState::Failed => break,
                StepState::Started => {
                    if self.checked_done(connection, step, start).await? {
                        start += 1;
                    } else {
                        break;
                    }
                }
            }
        }
        if start > 0 {
            self.set_session_again(connection, step, start).await?;
            tracing::info!(
                "{} of {} continues at its statement {} of {} ({}): the journal records the ones before as done",
                step.direction,
                step.revision,
                start + 1,
                step.statements.len(),
                step.location(start)
            );
        }
        Ok(start)
    }

    /// The session settings among the statements before `start` (`SET`, `RESET`, MySQL's
    /// `USE`, SQLite's `PRAGMA`), set again: they held for the statements after them, and
    /// this run's session is new. Setting them twice does no harm.
    async fn set_session_again(
        &self,
        connection: &mut Connection,
        step: &Prepared<'_>,
        start: usize,
    ) -> Result<()> {
        for statement in &step.statements[..start] {
            let keyword = first_keyword(&statement.text);
            if matches!(keyword.as_str(), "SET" | "RESET" | "USE" | "PRAGMA") {
                tracing::info!(
                    "{} of {}: sets again {}",
                    step.direction,
                    step.revision,
                    statement.text.trim()
                );
                connection.set_again(&statement.text).await?;
            }
        }
        Ok(())
    }

    /// Checks statement `index` of `step`, left `started`: whether it took effect (then it is
    /// marked done), or runs again; refuses when nothing can tell, unless forced.
    async fn checked_done(
        &self,
        connection: &mut Connection,
        step: &Prepared<'_>,
        index: usize,
    ) -> Result<bool> {
        let statement = &step.statements[index];
        match connection.check_step(&statement.text).await? {
            StepCheck::Done(note) => {
                tracing::info!(
                    "{} of {}: its statement {} ({}) took effect before the run stopped: {note}",
                    step.direction,
                    step.revision,
                    index + 1,
                    step.location(index)
                );
                let key = StepKey {
                    revision: &step.revision,
                    direction: step.direction,
                    step: index,
                };
                let checked = self.tables.journal_checked(connection.kind(), key, &note);
                connection.run_in_transaction(&[checked]).await?;
                Ok(true)
            }
            StepCheck::NotDone(note) => {
                tracing::info!(
                    "{} of {}: its statement {} ({}) runs again: {note}",
                    step.direction,
                    step.revision,
                    index + 1,
                    step.location(index)
                );
                Ok(false)
            }
            StepCheck::Unknown(reason) if self.options.force => {
                tracing::warn!(
                    "forced: {} of {} runs its statement {} ({}) again, though {reason}",
                    step.direction,
                    step.revision,
                    index + 1,
                    step.location(index)
                );
                Ok(false)
            }
            StepCheck::Unknown(reason) => Err(Error::StepUnknown(Box::new(StepInDoubt {
                revision: step.revision.clone(),
                direction: step.direction,
                step: index,
                count: step.statements.len(),
                location: step.location(index),
                statement: statement
                    .text
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                reason,
            }))),
        }
    }
}
