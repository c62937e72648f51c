//! Plans: the ordered steps from the applied revisions to a destination, and how each step
//! changes the version table's rows (one row per current head, as Alembic keeps them). Pure.
//! Must not import the file format.

use std::collections::BTreeSet;

use super::graph::Graph;
use super::target::{Destination, TargetError, id_list};
use crate::direction::Direction;
use crate::hint::{Command, Hint};

/// One migration to run, and the version-table rows it replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The migration (graph index).
    pub revision: usize,
    /// Up or down.
    pub direction: Direction,
    /// Version-table rows the step removes.
    pub delete_rows: Vec<usize>,
    /// Version-table rows the step adds.
    pub insert_rows: Vec<usize>,
}

/// The applied revisions, derived from the version table's rows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Applied {
    /// The applied revisions (graph indices).
    pub set: BTreeSet<usize>,
}

impl Applied {
    /// The revisions the version table's `rows` (its heads) imply: them and their ancestors.
    pub fn from_rows(graph: &Graph, rows: &[usize]) -> Applied {
        Applied {
            set: graph.with_ancestors(rows.iter().copied()),
        }
    }

    /// The rows that describe this set: applied revisions that no applied revision revises
    /// or depends on. As Alembic: a revision's row stands for its dependencies too.
    pub fn rows(&self, graph: &Graph) -> Vec<usize> {
        graph.ordered(
            self.set
                .iter()
                .copied()
                .filter(|&r| is_row(graph, &self.set, r)),
        )
    }
}

/// Steps that bring `applied` up to `destination`, parents first; `rows` are the version
/// table's rows, which each step moves as Alembic moves them.
pub fn upgrade(
    graph: &Graph,
    applied: &Applied,
    rows: &[usize],
    destination: &Destination,
) -> Result<Vec<Step>, TargetError> {
    refuse_overlap(graph, rows)?;
    let targets = match destination {
        // As Alembic: `LABEL@base` going up is the base, where nothing is to do.
        Destination::Base | Destination::Below(_) => return Ok(Vec::new()),
        Destination::Revisions(targets) => targets.clone(),
    };
    let wanted = graph.with_ancestors(targets);
    let order = graph.ordered(wanted.difference(&applied.set).copied());
    let mut rows: BTreeSet<usize> = rows.iter().copied().collect();
    Ok(order
        .into_iter()
        .map(|revision| {
            let after = rows_up(graph, &rows, revision);
            let before = std::mem::replace(&mut rows, after);
            step(graph, revision, Direction::Upgrade, before, &rows)
        })
        .collect())
}

/// As Alembic: no upgrade, whatever its target, from rows one of which stands on another.
fn refuse_overlap(graph: &Graph, rows: &[usize]) -> Result<(), TargetError> {
    for &upper in rows {
        let below = graph.with_ancestors(graph.requirements(upper));
        if let Some(&lower) = rows.iter().find(|r| below.contains(r)) {
            return Err(TargetError::OverlappingRows {
                lower: graph.node(lower).id.clone(),
                upper: graph.node(upper).id.clone(),
            });
        }
    }
    Ok(())
}

/// Steps that bring `applied` down to `destination`, children first; `rows` are the version
/// table's rows, which each step moves as Alembic moves them. A revision that is not applied
/// cannot be a downgrade destination.
pub fn downgrade(
    graph: &Graph,
    applied: &Applied,
    rows: &[usize],
    destination: &Destination,
) -> Result<Vec<Step>, DowngradeError> {
    let remove: BTreeSet<usize> = match destination {
        Destination::Base => applied.set.clone(),
        Destination::Below(list) => graph.with_descendants(list.iter().copied()),
        Destination::Revisions(targets) => {
            let missing: Vec<usize> = targets
                .iter()
                .copied()
                .filter(|t| !applied.set.contains(t))
                .collect();
            if !missing.is_empty() {
                return Err(DowngradeError::NotApplied(id_list(graph, &missing)));
            }
            // As Alembic: what was built on the targets' children goes; a revision that only
            // depends on a target stays.
            let keep = graph.with_ancestors(targets.iter().copied());
            let children = targets
                .iter()
                .flat_map(|&t| graph.children(t).iter().copied());
            graph
                .with_descendants(children)
                .difference(&keep)
                .copied()
                .collect()
        }
    };
    let mut order = graph.ordered(remove.intersection(&applied.set).copied());
    // As Alembic: a revision with nothing above it to revert is a target only when it is a
    // current head (a row); one that a head merely depends on is not.
    if let (true, Destination::Revisions(targets)) = (order.is_empty(), destination) {
        let elsewhere: Vec<usize> = targets
            .iter()
            .copied()
            .filter(|t| !rows.contains(t))
            .collect();
        if !elsewhere.is_empty() {
            return Err(DowngradeError::NotBelowHeads(id_list(graph, &elsewhere)));
        }
    }
    order.reverse();
    let mut rows: BTreeSet<usize> = rows.iter().copied().collect();
    Ok(order
        .into_iter()
        .map(|revision| {
            let after = rows_down(graph, &rows, revision);
            let before = std::mem::replace(&mut rows, after);
            step(graph, revision, Direction::Downgrade, before, &rows)
        })
        .collect())
}

/// A step, with the rows it removes from `before` and adds to reach `after`.
fn step(
    graph: &Graph,
    revision: usize,
    direction: Direction,
    before: BTreeSet<usize>,
    after: &BTreeSet<usize>,
) -> Step {
    Step {
        revision,
        direction,
        delete_rows: graph.ordered(before.difference(after).copied()),
        insert_rows: graph.ordered(after.difference(&before).copied()),
    }
}

/// The rows once `revision` is applied on `rows`, as Alembic moves them: the rows of what it
/// stands on directly go and its own comes. Where it joins several rows, one that another row
/// stands on stays, as Alembic leaves it.
fn rows_up(graph: &Graph, rows: &BTreeSet<usize>, revision: usize) -> BTreeSet<usize> {
    let down = graph.down_revisions(revision);
    let mut replaced: BTreeSet<usize> = rows.iter().copied().filter(|r| down.contains(r)).collect();
    if replaced.len() > 1 {
        let others = graph.with_ancestors(rows.iter().copied().filter(|r| !down.contains(r)));
        replaced.retain(|r| !others.contains(r));
    }
    let mut after: BTreeSet<usize> = rows.difference(&replaced).copied().collect();
    after.insert(revision);
    after
}

/// The rows once `revision` is reverted from `rows`, as Alembic moves them: its row goes, and
/// what it stood on directly gets a row, unless another row stands on it. With other rows
/// left, that is all Alembic checks, so one of those may stand on another (a row then stands
/// for a revision that another row depends on too); with none left, only the topmost get one.
fn rows_down(graph: &Graph, rows: &BTreeSet<usize>, revision: usize) -> BTreeSet<usize> {
    let down = graph.down_revisions(revision);
    let mut after = rows.clone();
    after.remove(&revision);
    let covered = match after.is_empty() {
        true => down
            .iter()
            .flat_map(|&d| graph.with_ancestors(graph.requirements(d)))
            .collect(),
        false => graph.with_ancestors(after.iter().copied()),
    };
    after.extend(down.into_iter().filter(|d| !covered.contains(d)));
    after
}

/// The version table's rows once `steps` have run from `rows`.
pub fn rows_after(graph: &Graph, rows: &[usize], steps: &[Step]) -> Vec<usize> {
    let mut after: BTreeSet<usize> = rows.iter().copied().collect();
    for step in steps {
        for row in &step.delete_rows {
            after.remove(row);
        }
        after.extend(step.insert_rows.iter().copied());
    }
    graph.ordered(after)
}

/// A downgrade target the database is not at or above.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DowngradeError {
    /// The target revisions are not applied.
    NotApplied(Vec<String>),
    /// The target revisions are applied, but only as what a head depends on: no head
    /// stands on them, so going down to them means nothing.
    NotBelowHeads(Vec<String>),
}

impl std::fmt::Display for DowngradeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DowngradeError::NotApplied(revisions) => write!(
                f,
                "{} is not applied, so it cannot be a downgrade target",
                revisions.join(", ")
            ),
            DowngradeError::NotBelowHeads(revisions) => write!(
                f,
                "{} is not a valid downgrade target from the current heads: it is applied only as what another \
                 revision depends on, with nothing of its own above it (Alembic refuses it too); revert the dependent \
                 revision instead",
                revisions.join(", ")
            ),
        }
    }
}

impl std::error::Error for DowngradeError {}

impl DowngradeError {
    /// What to do about it, when there is something to do.
    pub fn hint(&self) -> Option<Hint> {
        match self {
            DowngradeError::NotApplied(_) => Some(
                Hint::command(Command::Current)
                    .then_text(" shows what is applied, ")
                    .then_command(Command::Upgrade)
                    .then_text(" moves forward"),
            ),
            DowngradeError::NotBelowHeads(_) => None,
        }
    }
}

fn is_row(graph: &Graph, set: &BTreeSet<usize>, revision: usize) -> bool {
    set.contains(&revision) && !graph.dependents(revision).any(|c| set.contains(&c))
}

/// The applied set after stamping `destination` onto `start`.
pub fn stamp(graph: &Graph, start: &Applied, destination: &Destination) -> Applied {
    let set = match destination {
        Destination::Base => Default::default(),
        Destination::Below(list) => start
            .set
            .difference(&graph.with_descendants(list.iter().copied()))
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

#[cfg(test)]
mod tests;
