//! A catalogue: every migration with the revision graph over them, node `i` of the graph being
//! migration `i`. Data only; must not import the file format's parser.

use crate::migration::Migration;
use crate::revision::{Graph, GraphError};

/// Every migration of a directory or a build, with their graph.
#[derive(Debug, Clone)]
pub struct Revisions {
    migrations: Vec<Migration>,
    graph: Graph,
}

impl Revisions {
    /// Builds the graph over `migrations`; it must be valid (ids unique, parents known, no
    /// cycle).
    pub fn new(migrations: Vec<Migration>) -> Result<Revisions, GraphError> {
        Revisions::view(&migrations, crate::squash::View::Chain)
    }

    /// The catalogue of one view of `migrations` (see [`crate::squash`]): without squashes,
    /// every migration as it is.
    pub fn view(
        migrations: &[Migration],
        view: crate::squash::View,
    ) -> Result<Revisions, GraphError> {
        let migrations: Vec<Migration> = crate::squash::arrange(migrations, view)
            .into_iter()
            .map(|(_, m)| m)
            .collect();
        let graph = Graph::new(migrations.iter().map(Migration::node).collect())?;
        Ok(Revisions { migrations, graph })
    }

    /// A catalogue whose graph is already built over the same migrations, in order.
    pub fn with_graph(migrations: Vec<Migration>, graph: Graph) -> Revisions {
        debug_assert_eq!(migrations.len(), graph.len());
        Revisions { migrations, graph }
    }

    /// The revision graph.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// The migration at graph index `index`.
    pub fn migration(&self, index: usize) -> &Migration {
        &self.migrations[index]
    }

    /// Every migration, in graph index order.
    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    /// How many migrations.
    pub fn len(&self) -> usize {
        self.migrations.len()
    }

    /// No migrations at all.
    pub fn is_empty(&self) -> bool {
        self.migrations.is_empty()
    }
}
