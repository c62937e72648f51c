//! One file per group of subcommands.

pub mod author;
pub mod inspect;
pub mod migrate;
