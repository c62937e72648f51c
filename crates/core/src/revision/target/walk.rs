//! Relative targets (`-1`, `ae10+2`, `label@-1`) walked over the graph as Alembic walks
//! them: from the current head, a revision, or along a label's lineage. Pure. Must not import
//! plans.

use std::collections::BTreeSet;

use super::{Anchor, Destination, Target, TargetError, display, id_list, lookup, single_head};
use crate::direction::Direction;
use crate::revision::graph::Graph;

pub(super) fn relative(
    graph: &Graph,
    target: &Target,
    anchor: &Anchor,
    steps: i64,
    current: &[usize],
) -> Result<Destination, TargetError> {
    // Going up, the lineage a walk keeps to; going down, the revision whose lineage alone goes
    // at the end (a label's, or the current head's, which Alembic walks from as from a label).
    let mut within: Option<BTreeSet<usize>> = None;
    let mut named: Option<usize> = None;
    let start: Option<usize> = match anchor {
        Anchor::Revision(name) if name == "head" => Some(single_head(graph)?),
        Anchor::Revision(name) => Some(lookup(graph, name)?),
        Anchor::Current => match current {
            [] => None,
            [one] => {
                // Going down, only that head's lineage goes (a dependency it stands on stays).
                named = Some(*one);
                Some(*one)
            }
            many => return Err(TargetError::SeveralCurrent(id_list(graph, many))),
        },
        Anchor::Branch(name) => {
            let labelled = lookup(graph, name)?;
            // As Alembic: the label's lineage is what it stands on and what stands on it.
            let branch: BTreeSet<usize> = graph.lineage(labelled);
            let on_branch = where_lineage_stands(graph, &branch, current, steps);
            named = Some(labelled);
            within = Some(branch);
            match on_branch.as_slice() {
                // Nothing of the lineage applied yet: up from the base along it, as Alembic.
                [] if steps > 0 => return walk_up(graph, target, None, steps, within.as_ref()),
                [] => {
                    return Err(TargetError::LineageNotCurrent {
                        target: display(target),
                        label: name.clone(),
                    });
                }
                [one] => Some(*one),
                many => return Err(TargetError::SeveralCurrent(id_list(graph, many))),
            }
        }
    };
    match steps > 0 {
        true => walk_up(graph, target, start, steps, within.as_ref()),
        false => walk_down(graph, target, start, -steps, named),
    }
}

/// Walks up `steps` children; within a label's lineage, only along it, as Alembic walks.
fn walk_up(
    graph: &Graph,
    target: &Target,
    start: Option<usize>,
    steps: i64,
    within: Option<&BTreeSet<usize>>,
) -> Result<Destination, TargetError> {
    let mut at = start;
    for taken in 0..steps {
        let next: Vec<usize> = match at {
            None => graph.bases(),
            Some(index) => graph.children(index).to_vec(),
        };
        let next: Vec<usize> = next
            .into_iter()
            .filter(|n| within.is_none_or(|w| w.contains(n)))
            .collect();
        at = match next.as_slice() {
            [one] => Some(*one),
            [] => {
                let head = at
                    .map(|i| graph.node(i).id.clone())
                    .unwrap_or_else(|| "base".into());
                return Err(TargetError::PastHead {
                    target: display(target),
                    missing: steps - taken,
                    head,
                });
            }
            many => {
                return Err(TargetError::Fork {
                    direction: Direction::Upgrade,
                    from: at
                        .map(|i| graph.node(i).id.clone())
                        .unwrap_or_else(|| "base".into()),
                    what: if at.is_some() { "children" } else { "bases" },
                    candidates: id_list(graph, many),
                });
            }
        };
    }
    Ok(at.map_or(Destination::Base, |i| Destination::Revisions(vec![i])))
}

/// Walks down `steps` parents; from a label or the current head (`named`), only what stands on
/// the lineage goes at the end.
fn walk_down(
    graph: &Graph,
    target: &Target,
    start: Option<usize>,
    steps: i64,
    named: Option<usize>,
) -> Result<Destination, TargetError> {
    let Some(mut at) = start else {
        return Err(TargetError::BelowBase {
            target: display(target),
            missing: steps,
        });
    };
    for taken in 1..=steps {
        // As Alembic: down through every parent, even one off the lineage, so a merge is a
        // fork wherever the walk meets it.
        match graph.parents(at) {
            [one] => at = *one,
            // Down to nothing: within a lineage, its base goes; from a revision, everything.
            [] if taken == steps => {
                return match named {
                    Some(named) => lineage_roots(graph, target, graph.bases(), named),
                    None => Ok(Destination::Base),
                };
            }
            [] => {
                return Err(TargetError::BelowBase {
                    target: display(target),
                    missing: steps - taken,
                });
            }
            many => {
                return Err(TargetError::Fork {
                    direction: Direction::Downgrade,
                    from: graph.node(at).id.clone(),
                    what: "parents",
                    candidates: id_list(graph, many),
                });
            }
        }
    }
    match named {
        Some(named) => lineage_roots(graph, target, graph.children(at).to_vec(), named),
        None => Ok(Destination::Revisions(vec![at])),
    }
}

/// Where a label's lineage stands among the current rows, as Alembic finds it: the rows on the
/// lineage; else, the newest applied revisions (of everything applied, through parents) that
/// are on it, going down, or the newest applied revisions of the lineage itself, going up.
fn where_lineage_stands(
    graph: &Graph,
    branch: &BTreeSet<usize>,
    current: &[usize],
    steps: i64,
) -> Vec<usize> {
    let rows: Vec<usize> = current
        .iter()
        .copied()
        .filter(|c| branch.contains(c))
        .collect();
    if !rows.is_empty() {
        return rows;
    }
    // No row on the lineage, but some of it applied (below a row, or as a row's dependency).
    let applied = graph.with_ancestors(current.iter().copied());
    let among: BTreeSet<usize> = match steps > 0 {
        true => applied.intersection(branch).copied().collect(),
        // Going down, a revision with anything applied on it, on the lineage or not, is
        // not where the lineage stands.
        false => applied,
    };
    graph.ordered(
        among.iter().copied().filter(|&r| {
            branch.contains(&r) && !graph.children(r).iter().any(|c| among.contains(c))
        }),
    )
}

/// Within a lineage, only the lineage goes down, as Alembic does it: of the revisions that
/// would go (`roots` and what stands on them), when there are several, only those the named
/// revision stands on; none of them is a target Alembic refuses.
fn lineage_roots(
    graph: &Graph,
    target: &Target,
    roots: Vec<usize>,
    named: usize,
) -> Result<Destination, TargetError> {
    let roots = match roots.len() {
        0 | 1 => roots,
        _ => {
            let ancestry = graph.ancestry(named);
            roots.into_iter().filter(|r| ancestry.contains(r)).collect()
        }
    };
    match roots.is_empty() {
        true => Err(TargetError::NotOnLineage(display(target))),
        false => Ok(Destination::Below(roots)),
    }
}
