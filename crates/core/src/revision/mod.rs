//! The revision model as Alembic's users know it: ids, the graph, targets, plans and history
//! ranges. Pure: no database, no runtime; must not import the file format.

pub mod graph;
pub mod id;
pub mod picture;
pub mod plan;
pub mod range;
pub mod target;

pub use graph::{Graph, GraphError, Node};
pub use plan::{Applied, DowngradeError, Step};
pub use target::{Destination, Target, TargetError};
