//! The revision model: the graph, targets, and plans. Pure: no database, no runtime.

pub mod graph;
pub mod plan;
pub mod range;
pub mod target;

pub use graph::Graph;
pub use plan::{Applied, Step};
pub use target::{Destination, Target, TargetError};
