//! Targets as Alembic spells them (`head`, `heads`, `base`, `ae10`, `-1`, `ae10+2`,
//! `label@head`, `label@base`, `label@-1`): parsing, and resolving against a graph and the
//! revisions currently applied. Pure: no database. Must not import the file format or plans.

use super::graph::Graph;

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

/// A target that does not parse, or does not resolve against the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TargetError {
    /// Not a target's spelling (the text given).
    Syntax(String),
    /// A database URL where a target was expected (not echoed: it may hold a password).
    LooksLikeUrl,
    /// No revision, label or prefix matches (the name given).
    Unknown(String),
    /// A prefix of fewer than 4 characters.
    TooShort(String),
    /// A prefix that several revisions share.
    Ambiguous {
        /// The prefix.
        prefix: String,
        /// The revisions it matches, listed.
        candidates: String,
    },
    /// `head` where there are several heads (listed).
    SeveralHeads(String),
    /// There are no migrations.
    Empty,
    /// A relative step from the database's several current heads (listed).
    SeveralCurrent(String),
    /// A step down within a lineage that leaves nothing of it to revert from the heads.
    NotOnLineage(String),
    /// `heads` or `LABEL@head` as a downgrade target where the graph has several heads.
    AmbiguousDowngrade {
        /// The target as written.
        target: String,
        /// The heads.
        heads: String,
    },
    /// A walk that meets a fork.
    Fork {
        /// `up` or `down`.
        direction: &'static str,
        /// Where the walk was.
        from: String,
        /// `children` or `parents`.
        what: &'static str,
        /// The ways on, listed.
        candidates: String,
    },
    /// A walk below base.
    BelowBase {
        /// The target as written.
        target: String,
        /// How many steps too far.
        missing: i64,
    },
    /// A walk past a head.
    PastHead {
        /// The target as written.
        target: String,
        /// How many steps too far.
        missing: i64,
        /// The head reached.
        head: String,
    },
    /// A history range that selects nothing because its ends are reversed.
    EmptyRange(String),
}

impl std::fmt::Display for TargetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetError::Syntax(v0) => write!(
                f,
                "invalid target `{v0}`; use head, heads, base, a revision id or prefix, a label, +N, -N, REV+N, REV-N, LABEL@head or LABEL@base"
            ),
            TargetError::LooksLikeUrl => write!(
                f,
                "the target looks like a database URL (it is not echoed: it may hold a password); pass a URL with --database-url, and a target such as head or -1"
            ),
            TargetError::Unknown(v0) => write!(
                f,
                "no revision, branch label or id prefix matches `{v0}`; `history` lists the revisions"
            ),
            TargetError::TooShort(v0) => write!(
                f,
                "`{v0}` is too short to be an id prefix: use at least 4 characters"
            ),
            TargetError::Ambiguous { prefix, candidates } => write!(
                f,
                "several revisions start with `{prefix}`: {candidates}; use more characters"
            ),
            TargetError::SeveralHeads(v0) => write!(
                f,
                "there are several heads ({v0}); name one, use `heads` for all, or `merge heads` to join them"
            ),
            TargetError::Empty => write!(f, "there are no migrations"),
            TargetError::NotOnLineage(target) => write!(
                f,
                "`{target}` is not a valid downgrade target from the current heads: the revisions it would \
                 revert are not on the lineage it names (Alembic refuses it too); name the revision to go down to"
            ),
            TargetError::AmbiguousDowngrade { target, heads } => write!(
                f,
                "`{target}` is not a downgrade target while the graph has several heads ({heads}), as Alembic \
                 refuses it too; name the revision to go down to"
            ),
            TargetError::SeveralCurrent(v0) => write!(
                f,
                "the database has several current heads ({v0}); a relative step must start from one: use REV+N, REV-N or LABEL@-N"
            ),
            TargetError::Fork {
                direction,
                from,
                what,
                candidates,
            } => write!(
                f,
                "cannot walk {direction} from {from}: it has several {what} ({candidates}); name the one you want"
            ),
            TargetError::BelowBase { target, missing } => write!(
                f,
                "`{target}` goes {missing} step(s) below base; use `base` to revert everything"
            ),
            TargetError::PastHead {
                target,
                missing,
                head,
            } => write!(f, "`{target}` goes {missing} step(s) past the head {head}"),
            TargetError::EmptyRange(v0) => write!(
                f,
                "the range `{v0}` selects no revision: START must be an ancestor of END (older first, as in base:head or -3:)"
            ),
        }
    }
}

impl std::error::Error for TargetError {}

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
            candidates: ids(graph, many),
        }),
    }
}

/// The ids of `indices`, comma-separated.
pub fn ids(graph: &Graph, indices: &[usize]) -> String {
    indices
        .iter()
        .map(|&i| graph.node(i).id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The single head, or an error naming them all.
pub fn single_head(graph: &Graph) -> Result<usize, TargetError> {
    match graph.heads().as_slice() {
        [] => Err(TargetError::Empty),
        [one] => Ok(*one),
        many => Err(TargetError::SeveralHeads(ids(graph, many))),
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
                many => Err(TargetError::SeveralHeads(ids(graph, many))),
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
/// head (a database ahead of the build has its own rule, beside this one).
pub fn check_downgrade_target(graph: &Graph, target: &Target) -> Result<(), TargetError> {
    let heads = real_heads(graph);
    match target {
        Target::Heads | Target::BranchHead(_) if heads.len() > 1 => {
            Err(TargetError::AmbiguousDowngrade {
                target: display(target),
                heads: ids(graph, &heads),
            })
        }
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

mod walk;

#[cfg(test)]
mod tests;
