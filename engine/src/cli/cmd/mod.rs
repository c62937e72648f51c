//! One file per group of subcommands.

pub mod author;
pub mod autogen;
pub mod inspect;
pub mod migrate;
