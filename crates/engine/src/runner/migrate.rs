//! `upgrade` and `downgrade`: resolve the target against what is applied, plan, judge the plan
//! (one transaction for the whole run, the data-loss guard), apply it, and say where the
//! database is left. Must not import autogenerate.

use super::backfills::Gate;
use super::beyond::View;
use super::prepared::Prepared;
use super::{Event, Run, Runner, Transaction};
use crate::catalog::Catalog;
use crate::driver::Capabilities;
use crate::error::{Error, Result};
use aurora_migrate_core::Direction;
use aurora_migrate_core::revision::target::{self, Destination, Target};
use aurora_migrate_core::revision::{Step, plan};

impl Runner<'_> {
    /// Applies what `target` needs, reporting each step as it starts and ends.
    pub async fn upgrade(
        &self,
        target: &Target,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Run> {
        self.migrate(target, Direction::Upgrade, on_event).await
    }

    /// Reverts down to `target`, reporting each step as it starts and ends.
    pub async fn downgrade(
        &self,
        target: &Target,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Run> {
        self.migrate(target, Direction::Downgrade, on_event).await
    }

    /// Reverts `revision` alone (and what depends on it that is applied): the step a stairway
    /// test takes down after each one up.
    pub async fn revert(&self, revision: &str, on_event: &mut dyn FnMut(Event<'_>)) -> Result<Run> {
        let index = target::lookup(self.catalog.graph(), revision)?;
        self.migrate_to(Goal::Below(index), Direction::Downgrade, on_event)
            .await
    }

    async fn migrate(
        &self,
        target: &Target,
        direction: Direction,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Run> {
        self.migrate_to(Goal::Target(target), direction, on_event)
            .await
    }

    async fn migrate_to(
        &self,
        goal: Goal<'_>,
        direction: Direction,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Run> {
        let whole = self.options.transaction == Transaction::All;
        if whole && !Capabilities::of(self.kind()).transactional_ddl {
            return Err(Error::WholeRunOnMysql);
        }
        let (mut connection, status) = self.begin().await?;
        if let Some(squashed) = self.squash_for(goal, direction, &status) {
            // A fresh database runs the squash instead of the revisions it replaces.
            self.finish(connection, Ok(())).await?;
            return Box::pin(
                self.with_catalog(squashed)
                    .migrate_to(goal, direction, on_event),
            )
            .await;
        }
        let result = async {
            let status = self.take_over(&mut connection, status).await?;
            // A downgrade may revert what this build does not contain, from the log's records.
            let beyond = direction == Direction::Downgrade && !status.unknown.is_empty();
            let view = match beyond {
                true => {
                    status.verify_known(self.catalog)?;
                    View::with_beyond(self.catalog, &status)?
                }
                false => {
                    status.verify(self.catalog)?;
                    View::of_catalog(self.catalog, &status)
                }
            };
            if let Goal::Target(target) = goal {
                target::check_direction(target, direction)?;
            }
            if let (Goal::Target(target), Direction::Downgrade, false) = (goal, direction, beyond) {
                target::check_downgrade_target(&view.graph, target)?;
            }
            let destination = match goal {
                Goal::Target(target) => self.destination(&view, target, beyond)?,
                Goal::Below(index) => Destination::Below(vec![index]),
            };
            let steps = match direction {
                Direction::Upgrade => {
                    plan::upgrade(&view.graph, &view.applied, &view.rows, &destination)?
                }
                Direction::Downgrade => {
                    plan::downgrade(&view.graph, &view.applied, &view.rows, &destination)?
                }
            };
            let mut prepared = self.prepare(&view, &steps, connection.kind())?;
            for step in &mut prepared {
                step.journal = status
                    .journal
                    .iter()
                    .filter(|e| e.revision == step.revision && e.direction == step.direction)
                    .cloned()
                    .collect();
            }
            if whole {
                refuse_untransactional(&prepared)?;
            }
            // SQL the program does not carry never runs unseen: it is shown before anything
            // runs, and a guarded run (production) needs it confirmed.
            let stored = stored_statements(&prepared);
            if !stored.is_empty() && self.options.refuse_data_loss {
                return Err(Error::StoredDowngradeUnconfirmed { stored });
            }
            for (revision, statements) in &stored {
                on_event(Event::StoredDowngrade {
                    revision,
                    statements,
                });
            }
            if direction == Direction::Downgrade && self.options.refuse_data_loss {
                self.refuse_data_loss(&mut connection, view.applied.set.len(), &prepared)
                    .await?;
            }
            let gates = self.gates(&mut connection, &prepared).await?;
            let mut reports = Vec::with_capacity(prepared.len());
            let mut from = 0;
            // After the first segment the bookkeeping is made: its one-time DDL (an older
            // log's new columns) is not run again.
            let mut later = status.clone();
            later.tables_exist = true;
            later.outdated_log = None;
            for gate in gates.iter().chain([&Gate::end(prepared.len())]) {
                let segment = &prepared[from..gate.before];
                let records = if from == 0 { &status } else { &later };
                reports.extend(
                    self.apply(&mut connection, records, segment, on_event)
                        .await?,
                );
                for job in &gate.jobs {
                    self.walk_for(&mut connection, job, &prepared[gate.before], on_event)
                        .await?;
                }
                from = gate.before;
            }
            self.backfill_applied(&mut connection, &prepared, on_event)
                .await?;
            Ok(Run {
                steps: reports,
                current: rows_after(&view, &steps),
            })
        }
        .await;
        self.finish(connection, result).await
    }

    /// The squashed view, when a fresh database goes up to a target it has.
    fn squash_for(
        &self,
        goal: Goal<'_>,
        direction: Direction,
        status: &super::Records,
    ) -> Option<&Catalog> {
        let squashed = self.catalog.squashed()?;
        let Goal::Target(target) = goal else {
            return None;
        };
        let fresh = status.current.is_empty() && status.unknown.is_empty();
        let reachable = target::resolve(squashed.graph(), target, &[]).is_ok();
        (direction == Direction::Upgrade && fresh && reachable).then_some(squashed)
    }

    /// Where `target` leads on `view`; beyond the build, `head` and `heads` are this build's.
    fn destination(&self, view: &View<'_>, target: &Target, beyond: bool) -> Result<Destination> {
        let own = self.catalog.graph();
        Ok(match target {
            Target::Heads if beyond => Destination::Revisions(own.heads()),
            Target::Head if beyond => Destination::Revisions(vec![target::single_head(own)?]),
            _ => target::resolve(&view.graph, target, &view.rows)?,
        })
    }
}

/// Where a run goes: a target as the user writes it, or below one revision.
#[derive(Clone, Copy)]
enum Goal<'t> {
    Target(&'t Target),
    Below(usize),
}

/// `--transaction all` cannot hold a migration that runs outside any transaction.
fn refuse_untransactional(steps: &[Prepared<'_>]) -> Result<()> {
    match steps.iter().find(|step| !step.transactional) {
        Some(step) => Err(Error::WholeRunWithoutTransaction {
            revision: step.revision.clone(),
            file: step.origin.clone(),
        }),
        None => Ok(()),
    }
}

/// The steps that run a downgrade the log stored (revisions beyond the build), with their
/// statements.
fn stored_statements(steps: &[Prepared<'_>]) -> Vec<(String, Vec<String>)> {
    steps
        .iter()
        .filter(|step| step.stored)
        .map(|step| {
            let statements = step.statements.iter().map(|s| s.text.to_string()).collect();
            (step.revision.clone(), statements)
        })
        .collect()
}

/// The version table's rows once `steps` have run.
fn rows_after(view: &View<'_>, steps: &[Step]) -> Vec<String> {
    let graph = &view.graph;
    plan::rows_after(graph, &view.rows, steps)
        .iter()
        .map(|&r| graph.node(r).id.clone())
        .collect()
}
