//! The vocabulary of Aurora Migrate, std only and with no dependencies, so that a service's
//! `build.rs` and the engine judge migrations by the very same code.
//!
//! - [`Database`]: the three database families, and [`Direction`];
//! - [`revision`]: revision ids, the revision [`Graph`](revision::Graph), Alembic's targets,
//!   plans and history ranges;
//! - [`source`]: the migration file format (header, sections, statements) and reading a
//!   directory of migrations;
//! - [`Migration`] and [`Revisions`]: migrations as data, parsed once, with their checksums;
//! - [`authoring`]: the rules a new revision must follow before it is written;
//! - [`text`]: a committed text file read as it was committed (CRLF, byte-order mark).
//!
//! It must not import anything outside `std`.

#![deny(missing_docs, unreachable_pub)]

pub mod authoring;
pub mod catalog;
pub mod checksum;
pub mod database;
pub mod direction;
pub mod hint;
pub mod migration;
pub mod revision;
pub mod source;
pub mod squash;
pub mod text;

pub use catalog::Revisions;
pub use database::Database;
pub use direction::Direction;
pub use hint::Hint;
pub use migration::{Backfill, Migration, RefineryOrigin, Section, Statement};
pub use source::Compatibility;
