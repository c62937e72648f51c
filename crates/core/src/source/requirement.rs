//! `Requires Backfill: REV`, judged against the graph: the revision exists, declares a
//! backfill, and comes before the one that names it, so an upgrade always meets it first.
//! Must not import the directory scanner.

use super::parse::Parsed;
use crate::revision::graph::Graph;

/// A fault per `Requires Backfill` entry that names what cannot gate its revision: the index
/// of the file in `files` and the message (the line is the header's `Requires Backfill`).
pub(super) fn check(files: &[&Parsed], graph: &Graph) -> Vec<(usize, String)> {
    let mut faults = Vec::new();
    for (file_index, file) in files.iter().enumerate() {
        let header = &file.header;
        let Some(this) = graph.index_of(&header.revision) else {
            continue; // a squash's replaced revision: the chain's view judges it
        };
        let before = graph.with_ancestors([this]);
        for required in &header.requires_backfill {
            let fault = |message: String| (file_index, message);
            let Some(index) = graph.index_of(required) else {
                faults.push(fault(format!(
                    "`Requires Backfill` names {required}, which is no revision here; name a revision with a `-- migrate:backfill` block"
                )));
                continue;
            };
            let declares = files
                .iter()
                .find(|f| f.header.revision == *required)
                .is_some_and(|f| !f.backfills.is_empty());
            if !declares {
                faults.push(fault(format!(
                    "`Requires Backfill` names {required}, which declares no backfill; add a `-- migrate:backfill` block to it, or remove it from the list"
                )));
            } else if index == this || !before.contains(&index) {
                faults.push(fault(format!(
                    "`Requires Backfill` names {required}, which is not applied before {}; add it to `Revises` or `Depends On`",
                    header.revision
                )));
            }
        }
    }
    faults
}
