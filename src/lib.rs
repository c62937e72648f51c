//! The Aurora application: its migrations, validated and embedded by `build.rs`, and its
//! models, the target of autogenerate.
//!
//! It holds no engine code, so that adding a migration or changing a model recompiles this
//! crate and the `aurora-migrate` binary, never the engine (`aurora_migrate`).

pub mod models;

use aurora_migrate::migration::{Body, Catalog, Embedded, MigrationError};

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The embedded migrations with their revision graph.
pub fn catalog() -> Result<Catalog, MigrationError> {
    Catalog::from_embedded(MIGRATIONS)
}

/// The application as the command line takes it.
pub fn application() -> aurora_migrate::cli::Application {
    aurora_migrate::cli::Application {
        migrations: MIGRATIONS,
        models: models::schema,
    }
}
