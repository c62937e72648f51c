//! Pipelined steps (PostgreSQL): consecutive transactional migrations sent in one message, so
//! that migration k+1 is on its way before k's reply arrives. Each is still its own
//! transaction with its bookkeeping, and each after the first opens with a guard that fails
//! unless the one before it committed; besides, the server runs no statement of a message
//! after one that failed. When any fails, the migrations that committed are kept and the next
//! runs alone, so a failure (its line, its lock retries, an interrupt) reads exactly as it
//! would have. Must not import autogenerate.

use crate::driver::Capabilities;
use std::time::Instant;

use super::prepared::Prepared;
use super::{Event, Runner, StepReport, Transaction};
use crate::bookkeeping::Elapsed;
#[cfg(feature = "postgres")]
use crate::driver::Commit;
#[cfg(any(feature = "postgres", feature = "sqlite"))]
use crate::driver::StepTransaction;
use crate::driver::{Connection, Work};
use aurora_migrate_core::Database;

impl Runner<'_> {
    /// How many of `steps`, from the first, would travel in one message: only on PostgreSQL,
    /// one transaction per migration, and only transactional migrations.
    pub(super) fn pipelined(&self, kind: Database, steps: &[Prepared<'_>]) -> usize {
        if !Capabilities::of(kind).pipelining || self.options.transaction == Transaction::All {
            return 1;
        }
        steps
            .iter()
            .take(self.options.pipeline.max(1))
            .take_while(|s| s.transactional)
            .count()
            .max(1)
    }

    /// Sends the group starting at `steps[first]` in one message; reports each migration that
    /// committed, and returns how many did and whether that was all of them.
    pub(super) async fn apply_group(
        &self,
        connection: &mut Connection,
        steps: &[Prepared<'_>],
        first: usize,
        on_event: &mut dyn FnMut(Event<'_>),
        reports: &mut Vec<StepReport>,
    ) -> (usize, bool) {
        let kind = connection.kind();
        let unit = connection.lock_timeout_unit();
        let group = &steps[first..first + self.pipelined(kind, &steps[first..])];
        let fence = self.fence(connection);
        let books: Vec<Vec<String>> = group
            .iter()
            .map(|step| self.bookkeeping(kind, step, fence.as_deref(), Elapsed::ServerClock))
            .collect();
        let closures: Vec<Box<dyn Fn(Elapsed) -> Vec<String> + '_>> = books
            .iter()
            .map(|book| Box::new(move |_| book.clone()) as Box<dyn Fn(Elapsed) -> Vec<String>>)
            .collect();
        let works: Vec<Work<'_>> = group
            .iter()
            .enumerate()
            .map(|(i, step)| Work {
                statements: &step.statements,
                bookkeeping: closures[i].as_ref(),
                lock_timeout: self
                    .options
                    .statement_locks
                    .schedule(step.lock_timeout, unit)[0],
                #[cfg(any(feature = "postgres", feature = "mysql"))]
                final_attempt: false,
                #[cfg(feature = "sqlite")]
                interrupt: self.interrupt(),
                #[cfg(any(feature = "postgres", feature = "sqlite"))]
                transaction: StepTransaction {
                    transactional: true,
                    enclosed: false,
                },
                // Each after the first fails unless the one before it committed.
                #[cfg(feature = "postgres")]
                commit: Commit {
                    durable: self.durable_step(kind, first + i, steps.len()),
                    guard: i.checked_sub(1).map(|previous| {
                        crate::bookkeeping::committed_guard(
                            &self.tables,
                            &group[previous].revision,
                            group[previous].direction,
                        )
                    }),
                },
                journal: None,
            })
            .collect();
        for step in group {
            on_event(Event::Started {
                revision: &step.revision,
                message: &step.message,
                parents: &step.parents,
                direction: step.direction,
            });
            step.trace();
        }
        let started = Instant::now();
        let cancel = connection.canceller();
        let sent = self
            .cancelled_on_interrupt(cancel, connection.apply_group(&works))
            .await;
        let committed = match sent {
            Ok(()) => group.len(),
            Err(committed) => committed,
        };
        // The server times each migration in its log; here they share the message's time.
        let elapsed = started.elapsed() / group.len() as u32;
        for step in &group[..committed] {
            let report = StepReport {
                revision: step.revision.clone(),
                message: step.message.clone(),
                parents: step.parents.clone(),
                direction: step.direction,
                elapsed,
                retries: 0,
            };
            on_event(Event::Finished(&report));
            reports.push(report);
        }
        (committed, committed == group.len())
    }
}
