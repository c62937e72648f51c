//! What an authoring command must refuse before it writes anything: a message that cannot be a
//! header line, an id or a label that would collide with, or make ambiguous, one already in
//! the graph, and a merge of a revision with its own ancestor. Pure: no I/O; must not import
//! the file format.

use crate::hint::{Command, Hint, Setting, Word};
use crate::revision::Graph;
use crate::revision::id::{is_keyword, is_valid as is_valid_revision_id};

/// Why a new revision was refused; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthorError {
    /// The message is empty or blank.
    EmptyMessage,
    /// The message has this many lines; it must have one.
    MultiLineMessage(usize),
    /// The migrations directory does not exist.
    NoDirectory {
        /// The directory.
        dir: String,
    },
    /// The directory holds no migrations and a new history was not asked for.
    NewHistory {
        /// The directory.
        dir: String,
    },
    /// `--rev-id` is not a valid revision id.
    InvalidId(String),
    /// `--rev-id` collides with an id or label of the graph, or makes a prefix ambiguous.
    IdCollision {
        /// The id asked for.
        id: String,
        /// How it collides.
        why: String,
    },
    /// A branch label that cannot be used.
    InvalidLabel {
        /// The label.
        label: String,
        /// Why not.
        why: String,
    },
    /// A merge of a revision with one of its own descendants.
    MergeOfAncestor {
        /// The older revision.
        ancestor: String,
        /// The revision built on it.
        descendant: String,
    },
    /// A merge names fewer than two distinct revisions (those it got, listed).
    MergeNeedsTwo(String),
    /// A merge names something that is not a revision (`base`, a step below one).
    NotARevision(String),
    /// A merge in a directory with no migrations.
    NothingToMerge(String),
    /// Several heads and no `--head` to choose among them.
    SeveralHeads(Vec<String>),
    /// `--head` where there are no migrations yet.
    HeadWithoutMigrations(String),
    /// `--head` names several revisions, or none.
    HeadNotOne(String),
    /// The directory's files do not parse (their diagnostics, one a line).
    BrokenDirectory(String),
}

impl std::fmt::Display for AuthorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthorError::EmptyMessage => write!(
                f,
                "the message is empty; say in one line what the migration does, e.g. \"Add RPC endpoint to chains table\""
            ),
            AuthorError::MultiLineMessage(v0) => write!(
                f,
                "the message has {v0} lines; give one line (it becomes the file's first comment line and its name) and write details in the file"
            ),
            AuthorError::NoDirectory { dir } => write!(
                f,
                "{dir} does not exist, so this would start a new migration history"
            ),
            AuthorError::NewHistory { dir } => write!(
                f,
                "{dir} holds no migrations, so this would start a new migration history"
            ),
            AuthorError::InvalidId(v0) => write!(
                f,
                "invalid revision id `{v0}`: {}",
                crate::revision::id::fault(v0)
                    .unwrap_or_else(|| format!("use {}", crate::revision::id::RULE))
            ),
            AuthorError::IdCollision { id, why } => write!(f, "the revision id `{id}` {why}"),
            AuthorError::InvalidLabel { label, why } => {
                write!(f, "`{label}` cannot be a branch label: {why}")
            }
            AuthorError::MergeOfAncestor {
                ancestor,
                descendant,
            } => write!(
                f,
                "{ancestor} is an ancestor of {descendant}, so there is nothing to join: a merge joins revisions on different branches"
            ),
            AuthorError::MergeNeedsTwo(v0) => {
                write!(f, "a merge needs at least two distinct revisions; got {v0}")
            }
            AuthorError::NotARevision(v0) => write!(f, "`{v0}` does not name a revision to merge"),
            AuthorError::NothingToMerge(v0) => write!(f, "{v0} holds no migrations to merge"),
            AuthorError::SeveralHeads(heads) => {
                write!(f, "there are several heads ({})", heads.join(", "))
            }
            AuthorError::HeadWithoutMigrations(v0) => write!(
                f,
                "the head to build on is {v0}, but there are no migrations yet"
            ),
            AuthorError::HeadNotOne(v0) => {
                write!(
                    f,
                    "the head to build on, {v0}, must name one revision (or `base`)"
                )
            }
            AuthorError::BrokenDirectory(v0) => {
                write!(f, "fix the migrations directory first:\n{v0}")
            }
        }
    }
}

impl std::error::Error for AuthorError {}

impl AuthorError {
    /// What to do about it, when there is something to do.
    pub fn hint(&self) -> Option<Hint> {
        let hint = match self {
            AuthorError::NoDirectory { .. } => Hint::text("run from the project's root, point ")
                .then_setting(Setting::MigrationsDir)
                .then_text(" at its migrations, or pass ")
                .then_setting(Setting::Base)
                .then_text(" to start a new history there"),
            AuthorError::NewHistory { .. } => Hint::text("pass ")
                .then_setting(Setting::Base)
                .then_text(" to start one"),
            AuthorError::IdCollision { .. } => Hint::text("choose another id, or omit ")
                .then_setting(Setting::RevId)
                .then_text(" for a random one"),
            AuthorError::MergeOfAncestor { .. } => {
                Hint::run(Command::Merge, ["heads"]).then_text(" joins every head")
            }
            AuthorError::SeveralHeads(_) => Hint::text("pass ")
                .then_setting(Setting::Head)
                .then_text(" REV to choose where the new revision goes, or join them first with ")
                .then_run(
                    Command::Merge,
                    [
                        Word::from("heads"),
                        Setting::Message.into(),
                        "MESSAGE".into(),
                    ],
                ),
            AuthorError::HeadWithoutMigrations(_) => Hint::text("omit ")
                .then_setting(Setting::Head)
                .then_text(" (or pass ")
                .then_setting(Setting::Base)
                .then_text(")"),
            _ => return None,
        };
        Some(hint)
    }
}

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
    if is_keyword(id) {
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
    if let Some(why) = crate::revision::id::fault(label) {
        return Err(refuse(why));
    }
    if is_keyword(label) {
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

#[cfg(test)]
mod tests;
