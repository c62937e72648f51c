//! A service that carries its own migrations: at start it applies them through its own sqlx
//! pool (SQLite or PostgreSQL, from `DATABASE_URL`), says where the database stands, and runs
//! one query against the new schema. `service migrate <command>` is the whole command set
//! (`upgrade`, `downgrade -1`, `current`, `history`, `check`, ...) under the service's name.

use std::ffi::OsString;
use std::process::ExitCode;

use aurora_migrate::{Catalog, Target};

// The migrations build.rs embedded: `MIGRATIONS`.
aurora_migrate::include_migrations!();

/// Where the service keeps its data when `DATABASE_URL` says nothing.
const DEFAULT_DATABASE: &str = "sqlite://service.db?mode=rwc";

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "migrate") {
        let app = aurora_migrate_cli::App {
            name: "service migrate",
            migrations: MIGRATIONS,
            models: None,
            default_database: Some(DEFAULT_DATABASE),
        };
        return aurora_migrate_cli::run(app, args.into_iter().skip(1));
    }
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    match runtime.block_on(serve()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE.into());
    let notes: i64 = if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&url).await?;
        migrate(&pool).await?;
        sqlx::raw_sql(NOTE).execute(&pool).await?;
        sqlx::query_scalar(PINNED).fetch_one(&pool).await?
    } else {
        let pool = sqlx::SqlitePool::connect(&url).await?;
        migrate(&pool).await?;
        sqlx::raw_sql(NOTE).execute(&pool).await?;
        sqlx::query_scalar(PINNED).fetch_one(&pool).await?
    };
    println!("{notes} pinned note(s)");
    Ok(())
}

/// One query against the schema the migrations built: `pinned` comes from the Rust migration.
const NOTE: &str = "INSERT INTO notes (body, pinned) VALUES ('migrated at start', TRUE)";
const PINNED: &str = "SELECT COUNT(*) FROM notes WHERE pinned";

/// Migrates at start through the service's own pool, under the same lock as the command line.
async fn migrate(pool: impl Into<aurora_migrate::Pool>) -> Result<(), aurora_migrate::Error> {
    let pool = pool.into();
    let catalog = Catalog::from_embedded(MIGRATIONS)?;
    let report = catalog.upgrade(pool.clone(), &Target::Head).await?;
    println!("applied {} migration(s)", report.steps.len());
    let standing = catalog.standing(pool).await?;
    println!("status: {}", standing.state().name());
    Ok(())
}
