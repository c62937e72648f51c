//! History ranges as Alembic writes them: `base:head`, `-3:`, `ae10:`, `:head`, `current:`.

use std::collections::BTreeSet;

use super::graph::Graph;
use super::target::{self, Destination, Target, TargetError};

/// The revisions between `start` and `end` (both included), newest first.
pub fn resolve(
    graph: &Graph,
    range: Option<&str>,
    current: &[usize],
) -> Result<Vec<usize>, TargetError> {
    let (start, end) = match range {
        None => ("", ""),
        Some(text) => text
            .split_once(':')
            .ok_or_else(|| TargetError::Syntax(text.to_string()))?,
    };
    let all: BTreeSet<usize> = (0..graph.len()).collect();
    let from = match start.trim() {
        "" | "base" => all.clone(),
        "current" => graph.with_descendants(current.iter().copied()),
        text => match target::resolve(graph, &Target::parse(text)?, current)? {
            Destination::Base => all.clone(),
            Destination::Revisions(list) => graph.with_descendants(list),
            Destination::Below(index) => graph.with_descendants([index]),
        },
    };
    let to = match end.trim() {
        "" | "heads" | "head" => all,
        "current" => graph.with_ancestors(current.iter().copied()),
        "base" => BTreeSet::new(),
        text => match target::resolve(graph, &Target::parse(text)?, current)? {
            Destination::Base => BTreeSet::new(),
            Destination::Revisions(list) => graph.with_ancestors(list),
            Destination::Below(index) => graph.with_ancestors(graph.parents(index).to_vec()),
        },
    };
    let mut list = graph.ordered(from.intersection(&to).copied());
    list.reverse();
    Ok(list)
}
