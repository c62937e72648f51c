//! One file per group of subcommands. Must not import the dispatcher.

pub mod author;
pub mod autogen;
pub mod check;
pub mod dump;
pub mod fleet;
pub mod graph;
pub mod import;
pub mod inspect;
pub mod lease;
pub mod lint;
pub mod meta;
pub mod migrate;
pub mod offline;
pub mod scratch;
pub mod stairway;
pub mod status;
