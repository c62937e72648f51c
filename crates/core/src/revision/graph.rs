//! The revision graph: parents, dependencies, labels, heads, bases, ancestry and order.
//!
//! std only (shared with `build.rs`, which validates the graph at build time). Nodes are
//! addressed by their index in the order given; every traversal is deterministic.
//! Must not import the file format or the targets.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

/// What the graph needs to know of a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The revision id.
    pub id: String,
    /// The ids it revises.
    pub parents: Vec<String>,
    /// The ids it depends on without revising them.
    pub depends_on: Vec<String>,
    /// Its branch labels.
    pub branch_labels: Vec<String>,
}

/// A fault in the graph, naming the node (by index) where it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphError {
    /// Two nodes have the same id.
    DuplicateId {
        /// The second one.
        node: usize,
        /// The first one.
        first: usize,
    },
    /// A node revises an id no node has.
    UnknownParent {
        /// The node.
        node: usize,
        /// The unknown id.
        parent: String,
    },
    /// A node depends on an id no node has.
    UnknownDependency {
        /// The node.
        node: usize,
        /// The unknown id.
        dependency: String,
    },
    /// Two nodes carry the same label.
    DuplicateLabel {
        /// The second one.
        node: usize,
        /// The label.
        label: String,
        /// The first one.
        first: usize,
    },
    /// A label that is also some node's id.
    LabelIsAnId {
        /// The labelled node.
        node: usize,
        /// The label.
        label: String,
    },
    /// Nodes that require each other in a loop.
    Cycle {
        /// A node of the loop.
        node: usize,
        /// The ids around the loop, the first repeated at the end.
        path: Vec<String>,
    },
}

impl GraphError {
    /// The node where the fault shows.
    pub fn node(&self) -> usize {
        match self {
            GraphError::DuplicateId { node, .. }
            | GraphError::UnknownParent { node, .. }
            | GraphError::UnknownDependency { node, .. }
            | GraphError::DuplicateLabel { node, .. }
            | GraphError::LabelIsAnId { node, .. }
            | GraphError::Cycle { node, .. } => *node,
        }
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GraphError::DuplicateId { .. } => write!(f, "duplicate revision id"),
            GraphError::UnknownParent { parent, .. } => {
                write!(f, "`Revises` names `{parent}`, which no migration defines")
            }
            GraphError::UnknownDependency { dependency, .. } => {
                write!(
                    f,
                    "`Depends On` names `{dependency}`, which no migration defines"
                )
            }
            GraphError::DuplicateLabel { label, .. } => {
                write!(f, "branch label `{label}` is used twice")
            }
            GraphError::LabelIsAnId { label, .. } => {
                write!(f, "branch label `{label}` is also a revision id")
            }
            GraphError::Cycle { path, .. } => write!(f, "revision cycle: {}", path.join(" -> ")),
        }
    }
}

/// A validated, acyclic revision graph.
#[derive(Debug, Clone)]
pub struct Graph {
    nodes: Vec<Node>,
    by_id: HashMap<String, usize>,
    parents: Vec<Vec<usize>>,
    dependencies: Vec<Vec<usize>>,
    children: Vec<Vec<usize>>,
    /// Nodes that name this one in `Depends On`.
    dependency_children: Vec<Vec<usize>>,
    labels: HashMap<String, usize>,
    /// Position of each node in one fixed topological order (parents first).
    rank: Vec<usize>,
}

impl Graph {
    /// Validates `nodes` (unique ids and labels, known parents and dependencies, no cycle)
    /// and builds the graph; node `i` keeps index `i`.
    pub fn new(nodes: Vec<Node>) -> Result<Graph, GraphError> {
        let mut by_id = HashMap::new();
        for (index, node) in nodes.iter().enumerate() {
            if let Some(&first) = by_id.get(&node.id) {
                return Err(GraphError::DuplicateId { node: index, first });
            }
            by_id.insert(node.id.clone(), index);
        }
        let resolve =
            |index: usize, ids: &[String], parent: bool| -> Result<Vec<usize>, GraphError> {
                ids.iter()
                    .map(|id| {
                        by_id.get(id).copied().ok_or_else(|| match parent {
                            true => GraphError::UnknownParent {
                                node: index,
                                parent: id.clone(),
                            },
                            false => GraphError::UnknownDependency {
                                node: index,
                                dependency: id.clone(),
                            },
                        })
                    })
                    .collect()
            };
        let mut parents = Vec::with_capacity(nodes.len());
        let mut dependencies = Vec::with_capacity(nodes.len());
        let mut children = vec![Vec::new(); nodes.len()];
        let mut dependency_children = vec![Vec::new(); nodes.len()];
        for (index, node) in nodes.iter().enumerate() {
            let own_parents = resolve(index, &node.parents, true)?;
            for &parent in &own_parents {
                children[parent].push(index);
            }
            parents.push(own_parents);
            let own_dependencies = resolve(index, &node.depends_on, false)?;
            for &dependency in &own_dependencies {
                dependency_children[dependency].push(index);
            }
            dependencies.push(own_dependencies);
        }
        let mut labels = HashMap::new();
        for (index, node) in nodes.iter().enumerate() {
            for label in &node.branch_labels {
                if by_id.contains_key(label) {
                    return Err(GraphError::LabelIsAnId {
                        node: index,
                        label: label.clone(),
                    });
                }
                if let Some(&first) = labels.get(label) {
                    return Err(GraphError::DuplicateLabel {
                        node: index,
                        label: label.clone(),
                        first,
                    });
                }
                labels.insert(label.clone(), index);
            }
        }
        let mut graph = Graph {
            nodes,
            by_id,
            parents,
            dependencies,
            children,
            dependency_children,
            labels,
            rank: Vec::new(),
        };
        graph.rank = graph.topological_rank()?;
        Ok(graph)
    }

    /// Kahn's algorithm over parents and dependencies; ties go to the earlier node.
    fn topological_rank(&self) -> Result<Vec<usize>, GraphError> {
        let count = self.nodes.len();
        let mut waiting: Vec<usize> = (0..count).map(|i| self.requirements(i).count()).collect();
        let mut ready: BTreeSet<usize> = (0..count).filter(|&i| waiting[i] == 0).collect();
        let mut rank = vec![usize::MAX; count];
        let mut next = 0;
        while let Some(index) = ready.pop_first() {
            rank[index] = next;
            next += 1;
            for dependent in self.dependents(index) {
                waiting[dependent] -= 1;
                if waiting[dependent] == 0 {
                    ready.insert(dependent);
                }
            }
        }
        match (0..count).find(|&i| rank[i] == usize::MAX) {
            None => Ok(rank),
            Some(stuck) => Err(self.cycle_through(stuck, &rank)),
        }
    }

    /// Walks requirements among unranked nodes until one repeats: that is a cycle.
    fn cycle_through(&self, start: usize, rank: &[usize]) -> GraphError {
        let mut path = vec![start];
        loop {
            let current = *path.last().unwrap_or(&start);
            let Some(next) = self.requirements(current).find(|&r| rank[r] == usize::MAX) else {
                break;
            };
            if let Some(at) = path.iter().position(|&p| p == next) {
                let mut cycle: Vec<String> = path[at..]
                    .iter()
                    .rev()
                    .map(|&i| self.nodes[i].id.clone())
                    .collect();
                cycle.push(cycle[0].clone());
                let node = *path[at..].iter().max().unwrap_or(&next);
                return GraphError::Cycle { node, path: cycle };
            }
            path.push(next);
        }
        GraphError::Cycle {
            node: start,
            path: vec![self.nodes[start].id.clone()],
        }
    }

    /// Parents and dependencies: what must be applied before this node.
    pub fn requirements(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        self.parents[index]
            .iter()
            .chain(&self.dependencies[index])
            .copied()
    }

    /// Children and dependents: what must be reverted before this node.
    pub fn dependents(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        self.children[index]
            .iter()
            .chain(&self.dependency_children[index])
            .copied()
    }

    /// What a version-table row for this node stands for directly, as Alembic counts it: its
    /// parents, and those of its dependencies that nothing below it (through parents) already
    /// depends on.
    pub fn down_revisions(&self, index: usize) -> Vec<usize> {
        let below: BTreeSet<usize> = self
            .ancestry(index)
            .into_iter()
            .filter(|&a| a != index)
            .flat_map(|a| self.dependencies[a].iter().copied())
            .collect();
        let mut list = self.parents[index].clone();
        for &dependency in &self.dependencies[index] {
            if !below.contains(&dependency) && !list.contains(&dependency) {
                list.push(dependency);
            }
        }
        list
    }

    /// How many nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// No nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The node at `index`.
    pub fn node(&self, index: usize) -> &Node {
        &self.nodes[index]
    }

    /// The index of the node with this exact id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The index of the node carrying this branch label.
    pub fn label(&self, label: &str) -> Option<usize> {
        self.labels.get(label).copied()
    }

    /// The nodes `index` revises.
    pub fn parents(&self, index: usize) -> &[usize] {
        &self.parents[index]
    }

    /// The nodes that revise `index`.
    pub fn children(&self, index: usize) -> &[usize] {
        &self.children[index]
    }

    /// The node's position in the graph's one topological order (parents first).
    pub fn rank(&self, index: usize) -> usize {
        self.rank[index]
    }

    /// Revisions no other revision revises, in topological order.
    pub fn heads(&self) -> Vec<usize> {
        self.ordered((0..self.len()).filter(|&i| self.children[i].is_empty()))
    }

    /// Revisions that revise nothing, in topological order.
    pub fn bases(&self) -> Vec<usize> {
        self.ordered((0..self.len()).filter(|&i| self.parents[i].is_empty()))
    }

    /// Revisions with more than one child.
    pub fn branch_points(&self) -> Vec<usize> {
        self.ordered((0..self.len()).filter(|&i| self.children[i].len() > 1))
    }

    /// Sorts indices by the graph's topological order (parents first).
    pub fn ordered(&self, indices: impl IntoIterator<Item = usize>) -> Vec<usize> {
        let mut list: Vec<usize> = indices.into_iter().collect();
        list.sort_by_key(|&i| self.rank[i]);
        list.dedup();
        list
    }

    /// The given nodes and everything they require, transitively.
    pub fn with_ancestors(&self, start: impl IntoIterator<Item = usize>) -> BTreeSet<usize> {
        self.closure(start, |graph, index| graph.requirements(index).collect())
    }

    /// The given nodes and everything that requires them, transitively.
    pub fn with_descendants(&self, start: impl IntoIterator<Item = usize>) -> BTreeSet<usize> {
        self.closure(start, |graph, index| graph.dependents(index).collect())
    }

    /// The given nodes and their descendants through parent links only: a branch's lineage.
    pub fn with_children(&self, start: impl IntoIterator<Item = usize>) -> BTreeSet<usize> {
        self.closure(start, |graph, index| graph.children(index).to_vec())
    }

    /// What a node stands on and what stands on it, through parent links only: the lineage a
    /// branch label names, as Alembic reads it.
    pub fn lineage(&self, index: usize) -> BTreeSet<usize> {
        let mut lineage = self.ancestry(index);
        lineage.extend(self.with_children([index]));
        lineage
    }

    /// The node and its ancestors through parent links only (no dependencies).
    pub fn ancestry(&self, index: usize) -> BTreeSet<usize> {
        self.closure([index], |graph, i| graph.parents(i).to_vec())
    }

    fn closure(
        &self,
        start: impl IntoIterator<Item = usize>,
        next: impl Fn(&Graph, usize) -> Vec<usize>,
    ) -> BTreeSet<usize> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<usize> = start.into_iter().collect();
        while let Some(index) = stack.pop() {
            if seen.insert(index) {
                stack.extend(next(self, index));
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests;
