//! What the bookkeeping says, checked against the catalogue: current heads, applied set,
//! unknown revisions, checksum mismatches; and the rows a stamp writes.

use std::collections::HashMap;

use super::history::Tables;
use crate::dialect::{LogEntry, Stored};
use crate::error::{Error, Result};
use crate::migration::Catalog;
use crate::revision::{Applied, Destination, Graph};

/// The database's migration state, read once per run.
#[derive(Debug, Clone)]
pub struct Status {
    /// The version table's rows that the catalogue knows, as graph indices.
    pub current: Vec<usize>,
    /// Rows the catalogue does not know (a newer build ran, or the table is corrupt).
    pub unknown: Vec<String>,
    pub applied: Applied,
    pub log: HashMap<String, LogEntry>,
    pub tables_exist: bool,
    /// Migrations that started and never finished (MySQL).
    pub dirty: Vec<crate::dialect::DirtyMark>,
    /// Ways the version table disagrees with the graph: a row twice, a revision beside its
    /// own descendant, a log of revisions next to an empty version table.
    pub inconsistencies: Vec<Inconsistency>,
}

/// A version table that does not describe one place in the graph.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Inconsistency {
    #[error("the version table holds {0} more than once")]
    Duplicate(String),
    #[error(
        "the version table holds {ancestor} beside its descendant {descendant}, but it keeps one row per head"
    )]
    Stacked {
        ancestor: String,
        descendant: String,
    },
    #[error(
        "the version table is missing or empty, but the log records {} applied revision(s) ({})",
        .0.len(),
        .0.join(", ")
    )]
    LogWithoutVersion(Vec<String>),
}

impl Status {
    pub fn read(catalog: &Catalog, stored: Stored) -> Status {
        let graph = catalog.graph();
        let mut current = Vec::new();
        let mut unknown = Vec::new();
        for row in &stored.rows {
            match graph.index_of(row) {
                Some(index) => current.push(index),
                None => unknown.push(row.clone()),
            }
        }
        let mut inconsistencies = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for row in &stored.rows {
            if !seen.insert(row.as_str()) {
                inconsistencies.push(Inconsistency::Duplicate(row.clone()));
            }
        }
        let current = graph.ordered(current);
        for &row in &current {
            // Along parent links only: a dependency on another branch is a row of its own.
            let lineage = graph.with_children([row]);
            if let Some(&descendant) = current.iter().find(|&&r| r != row && lineage.contains(&r)) {
                inconsistencies.push(Inconsistency::Stacked {
                    ancestor: graph.node(row).id.clone(),
                    descendant: graph.node(descendant).id.clone(),
                });
            }
        }
        if stored.rows.is_empty() && !stored.log.is_empty() {
            let mut logged: Vec<String> = stored.log.iter().map(|e| e.revision.clone()).collect();
            logged.sort();
            inconsistencies.push(Inconsistency::LogWithoutVersion(logged));
        }
        let applied = Applied::from_rows(graph, &current);
        let log = stored
            .log
            .into_iter()
            .map(|e| (e.revision.clone(), e))
            .collect();
        Status {
            inconsistencies,
            current,
            unknown,
            applied,
            log,
            tables_exist: stored.tables_exist,
            dirty: stored.dirty,
        }
    }

    pub fn refuse_unknown(&self) -> Result<()> {
        match self.unknown.first() {
            Some(revision) => Err(Error::UnknownRevision(revision.clone())),
            None => Ok(()),
        }
    }

    /// Refuses unknown revisions and applied revisions whose file changed since.
    pub fn verify(&self, catalog: &Catalog) -> Result<()> {
        self.refuse_unknown()?;
        if let Some(mark) = self.dirty.first() {
            return Err(Error::Dirty {
                revision: mark.revision.clone(),
                direction: mark.direction.clone(),
                statement: mark.failed_statement.clone(),
                message: mark.message.clone(),
            });
        }
        if let Some(inconsistency) = self.inconsistencies.first() {
            return Err(Error::Inconsistent(inconsistency.clone()));
        }
        match self.mismatches(catalog).into_iter().next() {
            Some((index, recorded)) => {
                let migration = catalog.migration(index);
                Err(Error::ChecksumMismatch {
                    revision: migration.id.clone(),
                    file: format!("migrations/{}", migration.file_name),
                    recorded,
                    embedded: migration.checksum(),
                })
            }
            None => Ok(()),
        }
    }

    /// Applied revisions the log has no checksum for (applied by another tool, or the log was
    /// dropped): nothing can tell whether their files changed.
    pub fn unrecorded(&self, catalog: &Catalog) -> Vec<usize> {
        catalog.graph().ordered(
            self.applied
                .set
                .iter()
                .copied()
                .filter(|&index| !self.log.contains_key(&catalog.migration(index).id)),
        )
    }

    /// Applied revisions whose recorded checksum differs from the embedded file, with the
    /// recorded value. Revisions applied by another tool have no record and are not judged.
    pub fn mismatches(&self, catalog: &Catalog) -> Vec<(usize, String)> {
        self.applied
            .set
            .iter()
            .filter_map(|&index| {
                let migration = catalog.migration(index);
                let entry = self.log.get(&migration.id)?;
                (entry.checksum != migration.checksum()).then(|| (index, entry.checksum.clone()))
            })
            .collect()
    }
}

/// The applied set after stamping `destination` onto `start`.
pub fn stamped(graph: &Graph, start: &Applied, destination: &Destination) -> Applied {
    let set = match destination {
        Destination::Base => Default::default(),
        Destination::Below(index) => start
            .set
            .difference(&graph.with_descendants([*index]))
            .copied()
            .collect(),
        Destination::Revisions(targets) if targets.iter().all(|t| start.set.contains(t)) => {
            let keep = graph.with_ancestors(targets.iter().copied());
            let drop = graph.with_descendants(targets.iter().copied());
            start
                .set
                .iter()
                .copied()
                .filter(|r| keep.contains(r) || !drop.contains(r))
                .collect()
        }
        Destination::Revisions(targets) => {
            let mut set = start.set.clone();
            set.extend(graph.with_ancestors(targets.iter().copied()));
            set
        }
    };
    Applied { set }
}

/// Rewrites both tables for `applied`: rows for its heads, a checksum for every revision.
pub fn stamp_statements(catalog: &Catalog, tables: &Tables, applied: &Applied) -> Vec<String> {
    let graph = catalog.graph();
    let (version, log) = (tables.version_sql(), tables.log_sql());
    let mut statements = vec![format!("DELETE FROM {version}")];
    for row in applied.rows(graph) {
        statements.push(format!(
            "INSERT INTO {version} (version_num) VALUES ('{}')",
            graph.node(row).id
        ));
    }
    let ids: Vec<String> = applied
        .set
        .iter()
        .map(|&i| format!("'{}'", graph.node(i).id))
        .collect();
    if ids.is_empty() {
        statements.push(format!("DELETE FROM {log}"));
    } else {
        statements.push(format!(
            "DELETE FROM {log} WHERE revision NOT IN ({})",
            ids.join(", ")
        ));
    }
    for &index in &applied.set {
        let migration = catalog.migration(index);
        let (id, checksum) = (&migration.id, migration.checksum());
        statements.push(format!(
            "UPDATE {log} SET checksum = '{checksum}' WHERE revision = '{id}'"
        ));
        statements.push(format!(
            "INSERT INTO {log} (revision, checksum, execution_ms) SELECT '{id}', '{checksum}', NULL \
             WHERE NOT EXISTS (SELECT 1 FROM {log} WHERE revision = '{id}')"
        ));
    }
    statements
}
