//! A plan's steps made ready to run: each step's statements (from the catalogue, or from the
//! downgrade the log stored for a revision beyond the build), the version-table rows it moves,
//! and for an upgrade the record the log keeps. Must not import the drivers or autogenerate.

use std::borrow::Cow;

use super::Runner;
use super::beyond::{View, stored_downgrade};
use crate::bookkeeping::{JournalEntry, Record};
use crate::error::{Origin, Result};
use aurora_migrate_core::revision::Step;
use aurora_migrate_core::source::LockTimeout;
use aurora_migrate_core::{Database, Direction, Statement};

/// One step with everything its run needs.
#[derive(Debug, Clone)]
pub(super) struct Prepared<'a> {
    /// The revision.
    pub revision: String,
    /// Its message.
    pub message: String,
    /// The revisions it revises.
    pub parents: Vec<String>,
    /// Up or down.
    pub direction: Direction,
    /// False for `Transaction: none`.
    pub transactional: bool,
    /// Where its statements come from, as an error names it: `migrations/<file>`, or the
    /// stored downgrade.
    pub origin: Origin,
    /// Its statements on the runner's database.
    pub statements: Cow<'a, [Statement]>,
    /// Version-table rows it removes.
    pub delete_rows: Vec<String>,
    /// Version-table rows it adds.
    pub insert_rows: Vec<String>,
    /// What the log keeps of the revision (upgrades).
    pub record: Option<Record>,
    /// How its statements wait for locks (`Lock Timeout`).
    pub lock_timeout: LockTimeout,
    /// Its statements are the downgrade the log stored, not the program's own.
    pub stored: bool,
    /// The step journal's rows for it, this way, left by a run that stopped part-way.
    pub journal: Vec<JournalEntry>,
    /// It declares a backfill on the runner's database.
    pub backfill: bool,
    /// `Requires Backfill`: the revisions whose backfill must be done before it.
    pub requires_backfill: Vec<String>,
}

impl Prepared<'_> {
    /// Each statement as it is sent, with the place it comes from (shown with `-v`): the one
    /// trace of every path, a step alone or in a pipelined message, in a transaction or not.
    pub(super) fn trace(&self) {
        for statement in self.statements.iter() {
            tracing::debug!(
                "{} {} ({}:{}): {}",
                self.direction.name(),
                self.revision,
                self.origin,
                statement.line,
                statement.text
            );
        }
    }
}

impl<'c> Runner<'c> {
    /// The steps of a plan made on `view`, ready to run on `kind`.
    pub(super) fn prepare(
        &self,
        view: &View<'_>,
        steps: &[Step],
        kind: Database,
    ) -> Result<Vec<Prepared<'c>>> {
        let catalog = self.catalog;
        let graph = &view.graph;
        let ids = |list: &[usize]| -> Vec<String> {
            list.iter().map(|&i| graph.node(i).id.clone()).collect()
        };
        let mut prepared = Vec::with_capacity(steps.len());
        for step in steps {
            let node = graph.node(step.revision);
            let (delete_rows, insert_rows) = (ids(&step.delete_rows), ids(&step.insert_rows));
            let parents = ids(graph.parents(step.revision));
            if let Some(record) = view.stored(step.revision, catalog.len()) {
                let statements = stored_downgrade(&node.id, record)?
                    .into_iter()
                    .enumerate()
                    .map(|(i, text)| Statement {
                        text: Cow::Owned(text),
                        line: i + 1,
                    })
                    .collect();
                prepared.push(Prepared {
                    revision: node.id.clone(),
                    message: record.message.clone(),
                    parents,
                    direction: step.direction,
                    transactional: record.transactional,
                    origin: Origin::StoredDowngrade,
                    statements: Cow::Owned(statements),
                    delete_rows,
                    insert_rows,
                    record: None,
                    lock_timeout: LockTimeout::Runner,
                    stored: true,
                    journal: Vec::new(),
                    backfill: false,
                    requires_backfill: Vec::new(),
                });
                continue;
            }
            let migration = catalog.migration(step.revision);
            let record = (step.direction == Direction::Upgrade)
                .then(|| Record::of(catalog, step.revision, kind));
            prepared.push(Prepared {
                revision: migration.id.to_string(),
                message: migration.message.to_string(),
                parents,
                direction: step.direction,
                transactional: migration.transactional,
                origin: Origin::File(format!("migrations/{}", migration.file_name)),
                statements: catalog.statements(step.revision, kind, step.direction)?,
                delete_rows,
                insert_rows,
                record,
                lock_timeout: migration.lock_timeout,
                stored: false,
                journal: Vec::new(),
                backfill: migration.backfill(kind).is_some(),
                requires_backfill: migration
                    .requires_backfill
                    .iter()
                    .map(|r| r.to_string())
                    .collect(),
            });
        }
        Ok(prepared)
    }
}
