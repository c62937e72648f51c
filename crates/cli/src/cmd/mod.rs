//! One file per group of subcommands. Must not import the dispatcher.

pub(crate) mod author;
pub(crate) mod autogen;
pub(crate) mod backfill;
pub(crate) mod check;
pub(crate) mod dump;
pub(crate) mod fleet;
pub(crate) mod graph;
pub(crate) mod import;
pub(crate) mod inspect;
pub(crate) mod lease;
pub(crate) mod lint;
pub(crate) mod meta;
pub(crate) mod migrate;
pub(crate) mod offline;
pub(crate) mod repair;
pub(crate) mod scratch;
pub(crate) mod stairway;
pub(crate) mod status;
