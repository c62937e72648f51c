//! Targets as Alembic spells them (`head`, `heads`, `base`, `ae10`, `-1`, `ae10+2`,
//! `label@head`, `label@base`, `label@-1`): parsing, and resolving against a graph and the
//! revisions currently applied. Pure: no database. Must not import the file format or plans.

use super::graph::Graph;
use crate::direction::Direction;

pub use error::TargetError;

/// A target as written by the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The single head.
    Head,
    /// Every head.
    Heads,
    /// Nothing applied.
    Base,
    /// A full id, a unique prefix of 4+ characters, or a branch label.
    Revision(String),
    /// `+N`/`-N` from the current revision, or from a revision (`ae10+2`), or within a branch
    /// (`label@-1`).
    Relative {
        /// Where the steps start.
        anchor: Anchor,
        /// How many, up (positive) or down (negative).
        steps: i64,
    },
    /// `label@head` (or `rev@head`): the head descending from it.
    BranchHead(String),
    /// `label@base`: the first revision of that branch.
    BranchBase(String),
}

/// Where a relative target starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// The revision the database is at.
    Current,
    /// A revision (`ae10+2`).
    Revision(String),
    /// The current revision within a branch (`label@-1`).
    Branch(String),
}

/// Where a resolved target leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Nothing applied.
    Base,
    /// These revisions (and, going up, their ancestors) applied.
    Revisions(Vec<usize>),
    /// Going down: these revisions and everything above them removed.
    Below(Vec<usize>),
}

impl Target {
    /// Parses a target as Alembic spells it.
    pub fn parse(text: &str) -> Result<Target, TargetError> {
        let text = text.trim();
        // A URL in a target's place may hold a password: say what it is, never echo it.
        if text.contains("://") || (text.contains(':') && text.contains('@')) {
            return Err(TargetError::LooksLikeUrl);
        }
        let syntax = || TargetError::Syntax(text.to_string());
        match text {
            "" => return Err(syntax()),
            "head" => return Ok(Target::Head),
            "heads" => return Ok(Target::Heads),
            "base" => return Ok(Target::Base),
            _ => {}
        }
        if let Some((name, rest)) = text.split_once('@') {
            check_name(name).ok_or_else(syntax)?;
            return match rest {
                "head" => Ok(Target::BranchHead(name.to_string())),
                "base" => Ok(Target::BranchBase(name.to_string())),
                _ => Ok(Target::Relative {
                    anchor: Anchor::Branch(name.to_string()),
                    steps: steps(rest).ok_or_else(syntax)?,
                }),
            };
        }
        if let Some(steps) = steps(text) {
            return Ok(Target::Relative {
                anchor: Anchor::Current,
                steps,
            });
        }
        if let Some(at) = text.find(['+', '-']) {
            let (name, rest) = text.split_at(at);
            check_name(name).ok_or_else(syntax)?;
            let steps = steps(rest).ok_or_else(syntax)?;
            return Ok(Target::Relative {
                anchor: Anchor::Revision(name.to_string()),
                steps,
            });
        }
        check_name(text).ok_or_else(syntax)?;
        Ok(Target::Revision(text.to_string()))
    }
}

fn check_name(name: &str) -> Option<()> {
    crate::revision::id::is_valid(name).then_some(())
}

/// `+N` or `-N` with N >= 1.
fn steps(text: &str) -> Option<i64> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    (n > 0).then_some(sign * n)
}

/// Finds a revision by full id, branch label or unique prefix of 4+ characters.
pub fn lookup(graph: &Graph, name: &str) -> Result<usize, TargetError> {
    if let Some(index) = graph.index_of(name).or_else(|| graph.label(name)) {
        return Ok(index);
    }
    let matches: Vec<usize> = (0..graph.len())
        .filter(|&i| graph.node(i).id.starts_with(name))
        .collect();
    match matches.as_slice() {
        [] => Err(TargetError::Unknown(name.to_string())),
        [_] if name.len() < 4 => Err(TargetError::TooShort(name.to_string())),
        [one] => Ok(*one),
        many => Err(TargetError::Ambiguous {
            prefix: name.to_string(),
            candidates: id_list(graph, many),
        }),
    }
}

/// The ids of `indices`, comma-separated.
pub fn ids(graph: &Graph, indices: &[usize]) -> String {
    id_list(graph, indices).join(", ")
}

/// The ids of `indices`, in order.
pub fn id_list(graph: &Graph, indices: &[usize]) -> Vec<String> {
    indices.iter().map(|&i| graph.node(i).id.clone()).collect()
}

/// The single head, or an error naming them all.
pub fn single_head(graph: &Graph) -> Result<usize, TargetError> {
    match graph.heads().as_slice() {
        [] => Err(TargetError::Empty),
        [one] => Ok(*one),
        many => Err(TargetError::SeveralHeads(id_list(graph, many))),
    }
}

/// Resolves `target` given the applied revisions' current heads (the version table rows).
pub fn resolve(
    graph: &Graph,
    target: &Target,
    current: &[usize],
) -> Result<Destination, TargetError> {
    match target {
        Target::Head => Ok(Destination::Revisions(vec![single_head(graph)?])),
        // Alembic's real heads: a head another revision depends on comes with that revision.
        Target::Heads => Ok(Destination::Revisions(real_heads(graph))),
        Target::Base => Ok(Destination::Base),
        Target::Revision(name) => Ok(Destination::Revisions(vec![lookup(graph, name)?])),
        Target::BranchHead(name) => {
            let start = lookup(graph, name)?;
            let heads: Vec<usize> = graph.ordered(
                graph
                    .with_children([start])
                    .into_iter()
                    .filter(|&i| graph.children(i).is_empty()),
            );
            match heads.as_slice() {
                [one] => Ok(Destination::Revisions(vec![*one])),
                many => Err(TargetError::SeveralHeads(id_list(graph, many))),
            }
        }
        Target::BranchBase(name) => {
            let labelled = lookup(graph, name)?;
            // As Alembic: the base of the label's lineage, when it has one.
            let roots: Vec<usize> = graph
                .lineage(labelled)
                .into_iter()
                .filter(|&r| {
                    graph.parents(r).is_empty() && graph.with_children([r]).contains(&labelled)
                })
                .collect();
            match roots.is_empty() {
                true => Ok(Destination::Below(vec![branch_base(graph, labelled)])),
                false => Ok(Destination::Below(roots)),
            }
        }
        Target::Relative { anchor, steps } => {
            walk::relative(graph, target, anchor, *steps, current)
        }
    }
}

/// As Alembic: `heads` and `LABEL@head` are downgrade targets only where the graph has one
/// head (a database ahead of the build has its own rule, beside this one). `heads` counts the
/// heads nothing depends on; `LABEL@head` counts every head, a head that is only depended on
/// included, because Alembic reads it as `head`.
pub fn check_downgrade_target(graph: &Graph, target: &Target) -> Result<(), TargetError> {
    let heads = match target {
        Target::Heads => real_heads(graph),
        Target::BranchHead(_) => graph.heads(),
        _ => return Ok(()),
    };
    match heads.len() > 1 {
        true => Err(TargetError::AmbiguousDowngrade {
            target: display(target),
            heads: id_list(graph, &heads),
        }),
        false => Ok(()),
    }
}

/// As Alembic: a step from where the database is goes the command's way; `upgrade -1`,
/// `upgrade LABEL@-1`, `downgrade +1` and `downgrade LABEL@+1` are refused. A step from a
/// named revision (`ae10-1`) may go either way.
pub fn check_direction(target: &Target, direction: Direction) -> Result<(), TargetError> {
    match target {
        Target::Relative {
            anchor: Anchor::Current | Anchor::Branch(_),
            steps,
        } if (*steps > 0) != (direction == Direction::Upgrade) => Err(TargetError::WrongWay {
            target: display(target),
            direction,
        }),
        _ => Ok(()),
    }
}

/// The heads no other revision depends on, as Alembic's `heads` target reads them.
fn real_heads(graph: &Graph) -> Vec<usize> {
    graph
        .heads()
        .into_iter()
        .filter(|&h| graph.dependents(h).next().is_none())
        .collect()
}

/// Walks down from `start` while the way is a plain chain: the first revision of its branch.
fn branch_base(graph: &Graph, start: usize) -> usize {
    let mut at = start;
    while let [parent] = graph.parents(at) {
        if graph.children(*parent).len() > 1 {
            break;
        }
        at = *parent;
    }
    at
}

/// The target as the user would write it.
pub fn display(target: &Target) -> String {
    match target {
        Target::Head => "head".into(),
        Target::Heads => "heads".into(),
        Target::Base => "base".into(),
        Target::Revision(name) => name.clone(),
        Target::BranchHead(name) => format!("{name}@head"),
        Target::BranchBase(name) => format!("{name}@base"),
        Target::Relative { anchor, steps } => {
            let sign = if *steps > 0 { "+" } else { "-" };
            match anchor {
                Anchor::Current => format!("{sign}{}", steps.abs()),
                Anchor::Revision(name) => format!("{name}{sign}{}", steps.abs()),
                Anchor::Branch(name) => format!("{name}@{sign}{}", steps.abs()),
            }
        }
    }
}

mod error;
mod walk;

#[cfg(test)]
mod tests;
