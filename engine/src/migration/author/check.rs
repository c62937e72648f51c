//! What an authoring command must refuse before it writes anything: a message that cannot be a
//! header line, an id or a label that would collide with, or make ambiguous, one already in
//! the graph, and a merge of a revision with its own ancestor. Pure: no I/O.

use crate::migration::parse::is_valid_revision_id;
use crate::revision::Graph;

/// Why a new revision was refused; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthorError {
    #[error(
        "the message is empty; say in one line what the migration does, e.g. \"Add RPC endpoint to chains table\""
    )]
    EmptyMessage,
    #[error(
        "the message has {0} lines; give one line (it becomes the file's first comment line and its name) and write details in the file"
    )]
    MultiLineMessage(usize),
    #[error(
        "{dir} does not exist, so this would start a new migration history; run from the project's root, point --migrations-dir at its migrations, or pass --base to start a new history there"
    )]
    NoDirectory { dir: String },
    #[error(
        "{dir} holds no migrations, so this would start a new migration history; pass --base to start one"
    )]
    NewHistory { dir: String },
    #[error("invalid --rev-id `{0}`: use 1 to 32 letters, digits or underscores")]
    InvalidId(String),
    #[error("--rev-id `{id}` {why}; choose another id, or omit --rev-id for a random one")]
    IdCollision { id: String, why: String },
    #[error("`{label}` cannot be a branch label: {why}")]
    InvalidLabel { label: String, why: String },
    #[error(
        "{ancestor} is an ancestor of {descendant}, so there is nothing to join: a merge joins revisions on different branches (`merge heads` joins every head)"
    )]
    MergeOfAncestor {
        ancestor: String,
        descendant: String,
    },
    #[error("a merge needs at least two distinct revisions; got {0}")]
    MergeNeedsTwo(String),
    #[error("`{0}` does not name a revision to merge")]
    NotARevision(String),
    #[error("{0} holds no migrations to merge")]
    NothingToMerge(String),
    #[error(
        "there are several heads ({0}); pass --head REV to choose where the new revision goes, or join them first with `merge heads -m MESSAGE`"
    )]
    SeveralHeads(String),
    #[error("--head {0}: there are no migrations yet; omit --head (or pass --base)")]
    HeadWithoutMigrations(String),
    #[error("--head {0} must name one revision (or `base`)")]
    HeadNotOne(String),
    #[error("fix the migrations directory first:\n{0}")]
    BrokenDirectory(String),
}

/// Words that mean something else wherever a revision can be named.
const KEYWORDS: &[&str] = &["head", "heads", "base", "current"];

/// The one-line message of a new revision.
pub fn message(text: &str) -> Result<&str, AuthorError> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    match lines.as_slice() {
        [] => Err(AuthorError::EmptyMessage),
        [one] if text.trim().lines().count() == 1 => Ok(one),
        _ => Err(AuthorError::MultiLineMessage(text.trim().lines().count())),
    }
}

/// An id asked for with `--rev-id`: valid, and neither equal (in any case) to an id or label
/// of the graph, nor a prefix of one, nor one of them a prefix of it.
pub fn id(graph: Option<&Graph>, id: &str) -> Result<(), AuthorError> {
    if !is_valid_revision_id(id) {
        return Err(AuthorError::InvalidId(id.to_string()));
    }
    if KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(id)) {
        return Err(AuthorError::IdCollision {
            id: id.to_string(),
            why: "is a target keyword (head, heads, base, current)".into(),
        });
    }
    match graph.and_then(|g| collision(g, id)) {
        Some(why) => Err(AuthorError::IdCollision {
            id: id.to_string(),
            why,
        }),
        None => Ok(()),
    }
}

/// A new branch label: valid, not a keyword, and not colliding with an id or a label.
pub fn label(graph: Option<&Graph>, label: &str) -> Result<(), AuthorError> {
    let refuse = |why: String| AuthorError::InvalidLabel {
        label: label.to_string(),
        why,
    };
    if !is_valid_revision_id(label) {
        return Err(refuse("use 1 to 32 letters, digits or underscores".into()));
    }
    if KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(label)) {
        return Err(refuse(format!(
            "`{}` is a target keyword (head, heads, base, current)",
            label.to_ascii_lowercase()
        )));
    }
    match graph.and_then(|g| collision(g, label)) {
        Some(why) => Err(refuse(format!("it {why}"))),
        None => Ok(()),
    }
}

/// How `name` would collide with an id or a label of `graph`, if it would.
fn collision(graph: &Graph, name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let taken = (0..graph.len()).flat_map(|i| {
        let node = graph.node(i);
        std::iter::once((node.id.clone(), true))
            .chain(node.branch_labels.iter().map(|l| (l.clone(), false)))
    });
    for (existing, is_id) in taken {
        let other = existing.to_ascii_lowercase();
        let what = if is_id { "revision" } else { "branch label" };
        if other == lower {
            return Some(match (existing == name, is_id) {
                (true, true) => "is already the id of a revision".to_string(),
                (true, false) => "is already a branch label".to_string(),
                (false, _) => format!("differs only in case from the {what} `{existing}`"),
            });
        }
        // Prefixes of four or more characters name revisions: sharing one makes it ambiguous.
        if is_id && other.starts_with(&lower) && lower.len() >= 4 {
            return Some(format!(
                "is a prefix of the revision `{existing}`, so that prefix would become ambiguous"
            ));
        }
        if is_id && lower.starts_with(&other) && other.len() >= 4 {
            return Some(format!(
                "starts with the id of the revision `{existing}`, so that prefix would become ambiguous"
            ));
        }
    }
    None
}

/// Merge parents: none an ancestor of another.
pub fn merge_parents(graph: &Graph, parents: &[usize]) -> Result<(), AuthorError> {
    for &a in parents {
        for &b in parents {
            if a != b && graph.with_ancestors([b]).contains(&a) {
                return Err(AuthorError::MergeOfAncestor {
                    ancestor: graph.node(a).id.clone(),
                    descendant: graph.node(b).id.clone(),
                });
            }
        }
    }
    Ok(())
}
