//! What a failed step becomes: the error that names its statement, its `file:line` and what
//! stayed applied, judged by what the database can roll back. Must not import the drivers'
//! connections.

use super::prepared::Prepared;
use super::{Runner, Transaction};
use crate::driver::Failure;
use crate::error::{Error, LockWaited, Origin, StepFailure, StepOutcome};

impl Runner<'_> {
    pub(super) fn step_failure(
        &self,
        step: &Prepared<'_>,
        failure: Failure,
        done_before: Vec<String>,
    ) -> Error {
        let (line, statement) = match failure.statement {
            Some(index) => (
                step.statements[index].line + failure.line_offset,
                excerpt(&step.statements[index].text),
            ),
            None => (
                1,
                "(after its last statement: checks and bookkeeping)".to_string(),
            ),
        };
        // A stored downgrade has no file: its statements are numbered, and the offset of a
        // line inside one would mislead.
        let line = match step.origin {
            Origin::StoredDowngrade => failure.statement.map_or(1, |index| index + 1),
            _ => line,
        };
        let lock = failure.lock_timeout.then(|| LockWaited {
            attempts: failure.attempts,
            holder: failure.holder.clone(),
        });
        Error::Step(Box::new(StepFailure {
            lock,
            revision: step.revision.clone(),
            direction: step.direction,
            origin: step.origin.clone(),
            line,
            statement,
            message: failure.message,
            outcome: match () {
                _ if self.options.transaction == Transaction::All => StepOutcome::RunRolledBack,
                _ if failure.nothing_kept => StepOutcome::RolledBack,
                _ if step.journaled(self.kind()) => StepOutcome::Journaled,
                _ => StepOutcome::RolledBack,
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
