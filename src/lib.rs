//! The Aurora application: its migrations, validated and embedded by `build.rs`, and its
//! models, the target of autogenerate. It holds no engine code, so that adding a migration or
//! changing a model recompiles this crate and the `aurora-migrate` binary, never the engine.

pub mod models;

aurora_migrate::include_migrations!();

/// The application as the command line takes it: its name, its migrations, its models (none
/// when `AURORA_MIGRATIONS_DIR` built it around another directory, which they do not
/// describe).
pub fn app() -> aurora_migrate_cli::App {
    aurora_migrate_cli::App::new("aurora-migrate", MIGRATIONS)
        .with_models((!MIGRATIONS_DIR_OVERRIDDEN).then_some(models::schema as fn() -> _))
        .with_default_database(Some(aurora_migrate::url::DEFAULT_URL))
}

/// The embedded migrations with their revision graph.
pub fn catalog() -> Result<aurora_migrate::Catalog, aurora_migrate::catalog::MigrationError> {
    aurora_migrate::Catalog::from_embedded(MIGRATIONS)
}
