//! A service that carries its own migrations: at start it applies them through its own sqlx
//! pool (SQLite or PostgreSQL, from `DATABASE_URL`), says where the database stands, and runs
//! one query against the new schema. `service migrate <command>` is the whole command set
//! (`upgrade`, `downgrade -1`, `current`, `history`, `check`, ...) under the service's name.

use std::ffi::OsString;
use std::process::ExitCode;

use aurora_migrate::{Catalog, Run, Target};

// The migrations build.rs embedded: `MIGRATIONS`.
aurora_migrate::include_migrations!();

/// Where the service keeps its data when `DATABASE_URL` says nothing.
const DEFAULT_DATABASE: &str = "sqlite://service.db?mode=rwc";

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "migrate") {
        let app = aurora_migrate_cli::App::new("service migrate", MIGRATIONS)
            .with_default_database(Some(DEFAULT_DATABASE));
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
        report(migrate(&pool).await?, status(&pool).await?);
        sqlx::raw_sql(NOTE).execute(&pool).await?;
        sqlx::query_scalar(PINNED).fetch_one(&pool).await?
    } else {
        let pool = sqlx::SqlitePool::connect(&url).await?;
        report(migrate(&pool).await?, status(&pool).await?);
        sqlx::raw_sql(NOTE).execute(&pool).await?;
        sqlx::query_scalar(PINNED).fetch_one(&pool).await?
    };
    println!("{notes} pinned note(s)");
    Ok(())
}

fn report(run: Run, status: &str) {
    println!("applied {} migration(s)", run.steps.len());
    println!("status: {status}");
}

/// One query against the schema the migrations built: `pinned` comes from the Rust migration.
const NOTE: &str = "INSERT INTO notes (body, pinned) VALUES ('migrated at start', TRUE)";
const PINNED: &str = "SELECT COUNT(*) FROM notes WHERE pinned";

// What a service needs to migrate at start (the README shows it as it is here):
async fn migrate(pool: impl Into<aurora_migrate::Pool>) -> Result<Run, aurora_migrate::Error> {
    let catalog = Catalog::from_embedded(MIGRATIONS)?;
    catalog.upgrade(pool, &Target::Head).await
}

/// Where the database stands, as a readiness probe would serve it.
async fn status(
    pool: impl Into<aurora_migrate::Pool>,
) -> Result<&'static str, aurora_migrate::Error> {
    let standing = Catalog::from_embedded(MIGRATIONS)?.standing(pool).await?;
    Ok(standing.state().name())
}
