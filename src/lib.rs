//! The Aurora application's migrations, validated and embedded by `build.rs`.
//!
//! This crate holds data only, so that adding a migration recompiles it and the
//! `aurora-migrate` binary, never the engine (`aurora_migrate`).

use aurora_migrate::migration::{Body, Catalog, Embedded, MigrationError};

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The embedded migrations with their revision graph.
pub fn catalog() -> Result<Catalog, MigrationError> {
    Catalog::from_embedded(MIGRATIONS)
}
