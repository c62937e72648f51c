//! `reset`: revert everything, then apply everything, with what is at stake said first (the
//! revisions applied and the tables the database holds). Must not import autogenerate.

use super::{Event, Run, Runner};
use crate::error::Result;
use aurora_migrate_core::revision::Target;

/// What a reset would revert and drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetPreview {
    /// The applied revisions, parents first (graph indices).
    pub applied: Vec<usize>,
    /// The tables the database holds now, sorted; empty when nothing is applied.
    pub tables: Vec<String>,
}

impl Runner<'_> {
    /// What [`Runner::reset`] would revert and drop, changing nothing.
    pub async fn reset_preview(&self) -> Result<ResetPreview> {
        let status = self.records().await?;
        let graph = self.catalog.graph();
        let applied = graph.ordered(status.applied.set.iter().copied());
        let tables = match applied.is_empty() {
            true => Vec::new(),
            false => {
                let mut connection = self.open_for_reading().await?;
                let names = connection.table_names(&self.tables).await;
                connection.close().await;
                names?
            }
        };
        Ok(ResetPreview { applied, tables })
    }

    /// Reverts down to base, then applies every head: the steps of both, in order.
    pub async fn reset(&self, on_event: &mut dyn FnMut(Event<'_>)) -> Result<Run> {
        let mut steps = self.downgrade(&Target::Base, on_event).await?.steps;
        let up = self.upgrade(&Target::Heads, on_event).await?;
        steps.extend(up.steps);
        Ok(Run {
            steps,
            current: up.current,
        })
    }
}
