//! The shapes of step the differential test must keep comparing, told apart from the graph, the
//! step and what was applied before it, so that a generator that stops making one is caught.

use std::collections::BTreeSet;

use super::generate::Graph;

/// A kind of step where the two models once parted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shape {
    /// `downgrade LABEL@-N` where the label's lineage holds an applied merge.
    LabelStepThroughMerge,
    /// `downgrade REV` where an applied revision beside REV's lineage depends on REV.
    DownToADependency,
    /// A step from the current revision the wrong way: `upgrade -N`, `upgrade LABEL@-N`,
    /// `downgrade +N`, `downgrade LABEL@+N`.
    WrongWay,
}

pub const ALL: [Shape; 3] = [
    Shape::LabelStepThroughMerge,
    Shape::DownToADependency,
    Shape::WrongWay,
];

/// The shape of `direction target` on `graph`, with `applied` (ids) applied before it.
pub fn of(graph: &Graph, direction: &str, target: &str, applied: &[String]) -> Option<Shape> {
    let down = direction == "downgrade";
    let (label, relative) = match target.split_once('@') {
        Some((label, rest)) => (Some(label), steps(rest)),
        None => (None, steps(target)),
    };
    if relative.is_some_and(|steps| (steps < 0) != down) {
        return Some(Shape::WrongWay);
    }
    let applied: BTreeSet<usize> = applied.iter().filter_map(|id| graph.index(id)).collect();
    if let (true, Some(label), Some(_)) = (down, label, relative) {
        let labelled = graph.labelled(label)?;
        let merged = graph
            .lineage(labelled)
            .into_iter()
            .any(|i| graph.revisions[i].parents.len() > 1 && applied.contains(&i));
        return merged.then_some(Shape::LabelStepThroughMerge);
    }
    let revision = graph.index(target).filter(|_| down)?;
    let above = graph.children_of(revision);
    let depended = applied
        .iter()
        .any(|&i| graph.revisions[i].depends_on.contains(&revision) && !above.contains(&i));
    depended.then_some(Shape::DownToADependency)
}

/// `+N` or `-N`.
fn steps(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-'])?;
    let n: i64 = digits.parse().ok()?;
    Some(if text.starts_with('-') { -n } else { n })
}
