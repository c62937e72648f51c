//! Squashes: a migration whose `Replaces` header lists the revisions it stands for (all of
//! them up to the revision it was squashed at). While the replaced files are still there, a
//! catalogue has two views: the chain (the squash left out), which every database with
//! history follows, and the squashed one (the replaced revisions left out, their children
//! revising the squash), which a fresh database takes. Once the files are deleted there is
//! one view: the squash, with every reference to a replaced revision read as the squash.
//! Pure. Must not import the file system.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::migration::Migration;
use crate::revision::Node;

/// Which view of a catalogue with squashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The replaced revisions, where their files are present; squashes only where they are not.
    Chain,
    /// Squashes instead of the revisions they replace.
    Squashed,
}

/// The nodes `view` keeps, each with its index in `nodes`, references to replaced revisions
/// read as their squash. `replaces[i]` is what node `i` replaces.
pub fn arrange_nodes(nodes: &[Node], replaces: &[Vec<String>], view: View) -> Vec<(usize, Node)> {
    let ids: HashSet<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    let (mut dropped, mut read_as) = (HashSet::new(), HashMap::new());
    for (index, replaced) in replaces.iter().enumerate() {
        if replaced.is_empty() {
            continue;
        }
        let present = replaced.iter().any(|r| ids.contains(r.as_str()));
        match (present, view) {
            (true, View::Chain) => {
                dropped.insert(index);
            }
            _ => {
                for id in replaced {
                    read_as.insert(id.as_str(), nodes[index].id.as_str());
                }
            }
        }
    }
    let squashed: HashSet<&str> = read_as.keys().copied().collect();
    let map = |list: &[String], own: &str| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for id in list {
            let id = read_as.get(id.as_str()).copied().unwrap_or(id.as_str());
            if id != own && !out.iter().any(|o| o == id) {
                out.push(id.to_string());
            }
        }
        out
    };
    nodes
        .iter()
        .enumerate()
        .filter(|(index, node)| !dropped.contains(index) && !squashed.contains(node.id.as_str()))
        .map(|(index, node)| {
            let node = Node {
                id: node.id.clone(),
                parents: map(&node.parents, &node.id),
                depends_on: map(&node.depends_on, &node.id),
                branch_labels: node.branch_labels.clone(),
            };
            (index, node)
        })
        .collect()
}

/// The migrations `view` keeps, each with its index, parents and depends_on rewritten.
pub fn arrange(migrations: &[Migration], view: View) -> Vec<(usize, Migration)> {
    let nodes: Vec<Node> = migrations.iter().map(Migration::node).collect();
    let replaces: Vec<Vec<String>> = migrations
        .iter()
        .map(|m| m.replaces.iter().map(|r| r.to_string()).collect())
        .collect();
    let texts = |list: Vec<String>| Cow::Owned(list.into_iter().map(Cow::Owned).collect());
    arrange_nodes(&nodes, &replaces, view)
        .into_iter()
        .map(|(index, node)| {
            let mut migration = migrations[index].clone();
            migration.parents = texts(node.parents);
            migration.depends_on = texts(node.depends_on);
            (index, migration)
        })
        .collect()
}

/// Whether the catalogue has a squashed view besides its chain: a squash whose replaced
/// files are still there.
pub fn has_squashed_view(migrations: &[Migration]) -> bool {
    let ids: HashSet<&str> = migrations.iter().map(|m| m.id.as_ref()).collect();
    migrations
        .iter()
        .any(|m| m.replaces.iter().any(|r| ids.contains(r.as_ref())))
}

/// Two squashes that replace one revision: a fresh database would have two ways to the same
/// schema. `first` and `second` index the list given to [`overlap`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlap {
    /// The earlier squash in the list.
    pub first: usize,
    /// The later one.
    pub second: usize,
    /// The revisions both replace, in the later one's order.
    pub revisions: Vec<String>,
}

/// The first pair of squashes that replace a revision in common; `replaces[i]` is what node
/// `i` replaces (empty for a migration that is not a squash).
pub fn overlap(replaces: &[Vec<String>]) -> Option<Overlap> {
    for (second, later) in replaces.iter().enumerate() {
        for (first, earlier) in replaces[..second].iter().enumerate() {
            let revisions: Vec<String> = later
                .iter()
                .filter(|r| earlier.contains(r))
                .cloned()
                .collect();
            if !revisions.is_empty() {
                return Some(Overlap {
                    first,
                    second,
                    revisions,
                });
            }
        }
    }
    None
}

/// The squash that replaces `id`, if one does.
pub fn replaced_by<'a>(migrations: &'a [Migration], id: &str) -> Option<&'a Migration> {
    migrations
        .iter()
        .find(|m| m.replaces.iter().any(|r| r == id))
}

#[cfg(test)]
mod tests;
