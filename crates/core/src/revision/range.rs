//! History ranges as Alembic writes them: `base:head`, `-3:`, `ae10:`, `:head`, `current:`.
//! Must not import the file format.

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
        "current" if current.is_empty() => all.clone(),
        "current" => graph.with_descendants(current.iter().copied()),
        text => {
            let target = Target::parse(text)?;
            match target::resolve(graph, &target, current)? {
                Destination::Base => all.clone(),
                Destination::Revisions(list) => graph.with_descendants(list),
                // A walk down (`-2:`) ends below what it reverts: the range starts at its parents.
                Destination::Below(list) if matches!(target, Target::Relative { .. }) => {
                    let parents: Vec<usize> = list
                        .iter()
                        .flat_map(|&i| graph.parents(i).to_vec())
                        .collect();
                    match parents.is_empty() {
                        true => all.clone(),
                        false => graph.with_descendants(parents),
                    }
                }
                Destination::Below(list) => graph.with_descendants(list),
            }
        }
    };
    let to = match end.trim() {
        "" | "heads" | "head" => all,
        "current" => graph.with_ancestors(current.iter().copied()),
        "base" => BTreeSet::new(),
        text => match target::resolve(graph, &Target::parse(text)?, current)? {
            Destination::Base => BTreeSet::new(),
            Destination::Revisions(list) => graph.with_ancestors(list),
            Destination::Below(list) => {
                graph.with_ancestors(list.iter().flat_map(|&i| graph.parents(i).to_vec()))
            }
        },
    };
    let mut list = graph.ordered(from.intersection(&to).copied());
    // Both ends named and nothing between them: the range is reversed, not empty.
    let named = |end: &str| !matches!(end.trim(), "" | "current");
    let reversed = named(start) && start.trim() != "base" && named(end);
    if list.is_empty() && !from.is_empty() && reversed {
        return Err(TargetError::EmptyRange(
            range.unwrap_or_default().to_string(),
        ));
    }
    list.reverse();
    Ok(list)
}

#[cfg(test)]
mod tests;
