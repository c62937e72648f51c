//! One file per group of subcommands.

pub mod author;
pub mod autogen;
pub mod check;
pub mod inspect;
pub mod meta;
pub mod migrate;
pub mod status;
