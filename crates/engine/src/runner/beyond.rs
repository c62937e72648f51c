//! Revisions beyond this build: the graph a plan is made on, which for a database ahead of the
//! build holds, besides the catalogue, the revisions it does not contain, rebuilt from what
//! the log recorded of them, so that a downgrade plans through them and reverts them from
//! their stored downgrades. Judges data only: must not import the drivers or autogenerate.

use std::borrow::Cow;

use super::state::{Beyond, Records};
use crate::bookkeeping::{StoredRecord, downgrade_checksum};
use crate::catalog::Catalog;
use crate::error::BeyondError;
use aurora_migrate_core::revision::{Applied, Graph, Node};

/// The graph a plan is made on, with where the database is in it.
pub(super) struct View<'c> {
    /// The catalogue's graph, or it with the revisions beyond the build after its own nodes.
    pub graph: Cow<'c, Graph>,
    /// The version table's rows, as nodes of `graph`.
    pub rows: Vec<usize>,
    /// The revisions applied.
    pub applied: Applied,
    /// The records of the nodes after the catalogue's, in node order.
    pub stored: Vec<StoredRecord>,
}

impl<'c> View<'c> {
    /// The catalogue's own graph: what every command but a downgrade beyond the build plans on.
    pub(super) fn of_catalog(catalog: &'c Catalog, status: &Records) -> View<'c> {
        View {
            graph: Cow::Borrowed(catalog.graph()),
            rows: status.current.clone(),
            applied: status.applied.clone(),
            stored: Vec::new(),
        }
    }

    /// The catalogue's graph with the revisions beyond it, each of which must have a record.
    pub(super) fn with_beyond(
        catalog: &Catalog,
        status: &Records,
    ) -> Result<View<'static>, BeyondError> {
        let graph = catalog.graph();
        let mut nodes: Vec<Node> = (0..graph.len()).map(|i| graph.node(i).clone()).collect();
        let mut stored = Vec::with_capacity(status.beyond.len());
        for Beyond { id, record } in &status.beyond {
            let Some(record) = record else {
                return Err(BeyondError::NoRecord {
                    revision: id.clone(),
                });
            };
            nodes.push(Node {
                id: id.clone(),
                parents: record.parents.clone(),
                depends_on: Vec::new(),
                branch_labels: Vec::new(),
            });
            stored.push(record.clone());
        }
        let merged = Graph::new(nodes).map_err(|e| BeyondError::Graph(e.to_string()))?;
        let mut rows: Vec<usize> = status.current.clone();
        rows.extend(status.unknown.iter().filter_map(|id| merged.index_of(id)));
        let rows = merged.ordered(rows);
        let applied = Applied::from_rows(&merged, &rows);
        Ok(View {
            graph: Cow::Owned(merged),
            rows,
            applied,
            stored,
        })
    }

    /// The record of node `index` when it is beyond the catalogue of `len` migrations.
    pub(super) fn stored(&self, index: usize, len: usize) -> Option<&StoredRecord> {
        index.checked_sub(len).and_then(|i| self.stored.get(i))
    }
}

/// The statements of a stored downgrade, checked against the checksum kept with it.
pub(super) fn stored_downgrade(
    revision: &str,
    record: &StoredRecord,
) -> Result<Vec<String>, BeyondError> {
    let Some(text) = &record.downgrade else {
        return Err(BeyondError::NoDowngrade {
            revision: revision.to_string(),
        });
    };
    if record.downgrade_checksum.as_deref() != Some(downgrade_checksum(text).as_str()) {
        return Err(BeyondError::Altered {
            revision: revision.to_string(),
        });
    }
    Ok(crate::bookkeeping::split_stored(text)
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect())
}
