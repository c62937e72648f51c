//! What the bookkeeping says, checked against the catalogue: current heads, applied set,
//! unknown revisions, checksum mismatches, and a version table the graph cannot explain.
//! Judges data only: must not import the drivers.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::bookkeeping::{DirtyMark, Inconsistency, JournalEntry, LogEntry, Stored, StoredRecord};
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use aurora_migrate_core::revision::Applied;

/// A revision the database holds that this build does not contain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Beyond {
    /// Its id.
    pub id: String,
    /// What the log recorded of it; `None` when it recorded nothing (the revision was applied
    /// before records were kept, or by another tool).
    pub record: Option<StoredRecord>,
}

/// What the bookkeeping records, read once per run and resolved against the catalogue: the
/// version table's rows, the log, the dirty marks. [`Standing`](super::standing::Standing)
/// is the judgement made from it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Records {
    /// The version table's rows that the catalogue knows, as graph indices.
    pub current: Vec<usize>,
    /// Rows the catalogue does not know (a newer build ran, or the table is corrupt).
    pub unknown: Vec<String>,
    /// Unknown rows among the revisions a squash replaced, with the squash and its last one.
    pub part_way: Vec<(String, String, String)>,
    /// The revisions beyond this build: the unknown rows and, through the parents their log
    /// records name, their ancestors this build does not contain; rows first.
    pub beyond: Vec<Beyond>,
    /// The revisions the rows imply: them and their ancestors.
    pub applied: Applied,
    /// The log's entries, by revision.
    pub log: HashMap<String, LogEntry>,
    /// Every bookkeeping table exists.
    pub tables_exist: bool,
    /// The step journal's table exists.
    pub journal_exists: bool,
    /// Migrations that started and never finished (MySQL).
    pub dirty: Vec<DirtyMark>,
    /// The step journal: each statement of a migration that runs statement by statement
    /// and did not finish.
    pub journal: Vec<JournalEntry>,
    /// The columns of a log an older build created, which lacks the record columns.
    pub outdated_log: Option<Vec<String>>,
    /// Ways the version table disagrees with the graph: a row twice, a revision beside its
    /// own descendant, a log of revisions next to an empty version table.
    pub inconsistencies: Vec<Inconsistency>,
    /// Revisions of this build the log records as applied while the version table does not
    /// hold them: a script ran on a database that was elsewhere, or another tool reverted
    /// them. Their changes may be in the schema.
    pub logged_not_applied: Vec<usize>,
}

impl Records {
    /// Judges what the bookkeeping tables hold against the catalogue.
    pub(crate) fn read(catalog: &Catalog, stored: Stored) -> Records {
        let graph = catalog.graph();
        let mut current = Vec::new();
        let mut unknown = Vec::new();
        for row in &stored.rows {
            match graph.index_of(row) {
                Some(index) => current.push(index),
                None => match squashed_row(catalog, row) {
                    Some(rows) => current.extend(rows),
                    None => unknown.push(row.clone()),
                },
            }
        }
        current.sort();
        current.dedup();
        let part_way = unknown
            .iter()
            .filter_map(|row| {
                let squash = aurora_migrate_core::squash::replaced_by(catalog.migrations(), row)?;
                let last = squash.replaces.last()?.to_string();
                Some((row.clone(), squash.id.to_string(), last))
            })
            .collect();
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
        let log: HashMap<String, LogEntry> = stored
            .log
            .into_iter()
            .map(|e| (e.revision.clone(), e))
            .collect();
        let (beyond, reached) = beyond(catalog, &unknown, &log);
        // A known row below a revision beyond the build is a row that should have gone.
        for &row in &current {
            if let Some((_, above)) = reached
                .iter()
                .find(|&&(index, _)| graph.with_ancestors([index]).contains(&row))
            {
                inconsistencies.push(Inconsistency::Stacked {
                    ancestor: graph.node(row).id.clone(),
                    descendant: above.clone(),
                });
            }
        }
        let mut heads = current.clone();
        heads.extend(reached.iter().map(|&(index, _)| index));
        let applied = Applied::from_rows(graph, &heads);
        // A row this build does not know may stand for them (a newer build's, or another
        // tool's): only with none can the log be judged against the table.
        let logged_not_applied = match unknown.is_empty() {
            true => graph.ordered(
                log.keys()
                    .filter_map(|id| graph.index_of(id))
                    .filter(|index| !applied.set.contains(index)),
            ),
            false => Vec::new(),
        };
        Records {
            logged_not_applied,
            inconsistencies,
            current,
            unknown,
            part_way,
            beyond,
            applied,
            log,
            tables_exist: stored.tables_exist,
            journal_exists: stored.journal_exists,
            dirty: stored.dirty,
            journal: stored.journal,
            outdated_log: stored.outdated_log,
        }
    }

    /// Refuses a database at a revision this catalogue does not know.
    pub(crate) fn refuse_unknown(&self) -> Result<()> {
        if let Some((revision, squash, last)) = self.part_way.first() {
            return Err(Error::PartWayThroughSquash {
                revision: revision.clone(),
                squash: squash.clone(),
                last: last.clone(),
            });
        }
        match self.unknown.first() {
            Some(revision) => Err(Error::UnknownRevision(revision.clone())),
            None => Ok(()),
        }
    }

    /// Refuses unknown revisions and applied revisions whose file changed since.
    pub(crate) fn verify(&self, catalog: &Catalog) -> Result<()> {
        self.refuse_unknown()?;
        self.verify_known(catalog)
    }

    /// Refuses a dirty mark, an inconsistent version table and applied revisions whose file
    /// changed since; revisions beyond the build are judged elsewhere.
    pub(crate) fn verify_known(&self, catalog: &Catalog) -> Result<()> {
        if let Some(mark) = self.dirty.first() {
            return Err(Error::Dirty {
                revision: mark.revision.clone(),
                direction: mark.direction,
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
                    revision: migration.id.to_string(),
                    file: format!("migrations/{}", migration.file_name),
                    recorded,
                    embedded: migration.checksum.to_string(),
                })
            }
            None => Ok(()),
        }
    }

    /// Applied revisions the log has no checksum for (applied by another tool, or the log was
    /// dropped): nothing can tell whether their files changed. Revisions a fresh database
    /// skipped for their squash have the squash's record instead.
    pub fn unrecorded(&self, catalog: &Catalog) -> Vec<usize> {
        let by_squash = |id: &str| {
            catalog.squashed().is_some_and(|view| {
                view.migrations().iter().any(|m| {
                    m.replaces.iter().any(|r| r == id) && self.log.contains_key(m.id.as_ref())
                })
            })
        };
        catalog
            .graph()
            .ordered(self.applied.set.iter().copied().filter(|&index| {
                let id = catalog.migration(index).id.as_ref();
                !self.log.contains_key(id) && !by_squash(id)
            }))
    }

    /// Applied revisions whose recorded checksum differs from the embedded file, with the
    /// recorded value. Revisions applied by another tool have no record and are not judged.
    pub(crate) fn mismatches(&self, catalog: &Catalog) -> Vec<(usize, String)> {
        self.applied
            .set
            .iter()
            .filter_map(|&index| {
                let migration = catalog.migration(index);
                let entry = self.log.get(migration.id.as_ref())?;
                (entry.checksum != migration.checksum).then(|| (index, entry.checksum.clone()))
            })
            .collect()
    }
}

/// A version row this view does not know that a squash explains: in the chain's view, a
/// squash's row stands for the revisions it replaces (their heads); once the replaced files
/// are gone, the row of the last revision it replaces stands for the squash.
fn squashed_row(catalog: &Catalog, row: &str) -> Option<Vec<usize>> {
    let graph = catalog.graph();
    if let Some(view) = catalog.squashed()
        && let Some(squash) = view
            .migrations()
            .iter()
            .find(|m| m.id == row && !m.replaces.is_empty())
    {
        let replaced: Vec<usize> = squash
            .replaces
            .iter()
            .filter_map(|r| graph.index_of(r))
            .collect();
        return Some(Applied::from_rows(graph, &replaced).rows(graph));
    }
    catalog
        .migrations()
        .iter()
        .position(|m| m.replaces.last().is_some_and(|last| last == row))
        .map(|index| vec![index])
}

/// Walks from the unknown rows through the parents their records name: the revisions beyond
/// the build, and the known revisions they stand on (each with the beyond revision above it).
fn beyond(
    catalog: &Catalog,
    unknown: &[String],
    log: &HashMap<String, LogEntry>,
) -> (Vec<Beyond>, Vec<(usize, String)>) {
    let graph = catalog.graph();
    let (mut found, mut reached) = (Vec::new(), Vec::new());
    let mut queue: VecDeque<String> = unknown.iter().cloned().collect();
    let mut seen = HashSet::new();
    while let Some(id) = queue.pop_front() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let record = log.get(&id).and_then(|entry| entry.record.clone());
        for parent in record.iter().flat_map(|r| &r.parents) {
            match graph.index_of(parent) {
                Some(index) => reached.push((index, id.clone())),
                None => queue.push_back(parent.clone()),
            }
        }
        found.push(Beyond { id, record });
    }
    (found, reached)
}
