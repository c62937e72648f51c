//! `stamp`: write the version table as if a target had been reached, running no migration,
//! and record the embedded checksum of every revision it leaves applied. Must not import
//! autogenerate.

use super::Runner;
use crate::bookkeeping::stamp_statements;
use crate::driver::Capabilities;
use crate::error::Result;
use aurora_migrate_core::revision::target::{self, Target};
use aurora_migrate_core::revision::{Applied, plan};

impl Runner<'_> {
    /// Stamps `target` (onto an emptied table with `purge`, which also forgets revisions this
    /// build does not know) and returns the version table's rows.
    pub async fn stamp(&self, target: &Target, purge: bool) -> Result<Vec<String>> {
        // A squash beside the chain it replaces is stamped from the view that has it.
        if let Some(view) = self.catalog.squashed()
            && target::resolve(self.catalog.graph(), target, &[]).is_err()
            && target::resolve(view.graph(), target, &[]).is_ok()
        {
            return Box::pin(self.with_catalog(view).stamp(target, purge)).await;
        }
        let (mut connection, status) = self.begin().await?;
        let result = async {
            if !purge {
                status.refuse_unknown()?;
            }
            let graph = self.catalog.graph();
            let start = match purge {
                true => Applied::default(),
                false => status.applied.clone(),
            };
            let destination = target::resolve(graph, target, &status.current)?;
            let applied = plan::stamp(graph, &start, &destination);
            let kind = connection.kind();
            let mut statements = self.tables.create(kind);
            statements.extend(self.outdated_log_ddl(kind, &status));
            statements.extend(stamp_statements(self.catalog, &self.tables, &applied, kind));
            if Capabilities::of(kind).dirty_marks {
                // Stamping records where the database really is: no migration is in progress.
                statements.push(format!("DELETE FROM {}", self.tables.dirty_sql()));
            }
            if !status.journal.is_empty() {
                // Nor does any migration stand part-way.
                statements.push(format!("DELETE FROM {}", self.tables.steps_sql()));
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
}
