//! A service that carries its own migrations: at start it applies them through its own sqlx
//! pool (SQLite or PostgreSQL, from `DATABASE_URL`), says where the database stands, runs
//! one query against the new schema, and fills the notes' word counts in the background (the
//! backfill of c3d4e5f6a1b2) while it serves, waiting for that to finish before it exits. `service migrate <command>` is the whole command set
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
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(&url).await?;
        report(migrate(&pool).await?, status(&pool).await?);
        let backfill = tokio::spawn(backfill(pool.clone().into()));
        println!("readiness: {}", readiness(&pool).await?);
        sqlx::raw_sql(NOTE).execute(&pool).await?;
        let notes: i64 = sqlx::query_scalar(PINNED).fetch_one(&pool).await?;
        println!("{notes} pinned note(s)");
        backfill.await??;
    } else {
        let pool = sqlx::SqlitePool::connect(&url).await?;
        report(migrate(&pool).await?, status(&pool).await?);
        let backfill = tokio::spawn(backfill(pool.clone().into()));
        println!("readiness: {}", readiness(&pool).await?);
        sqlx::raw_sql(NOTE).execute(&pool).await?;
        let notes: i64 = sqlx::query_scalar(PINNED).fetch_one(&pool).await?;
        println!("{notes} pinned note(s)");
        backfill.await??;
    }
    Ok(())
}

/// The service's backfills, run in the background under their lease: a restart resumes them,
/// and replicas started together run each job once between them.
async fn backfill(pool: aurora_migrate::Pool) -> Result<(), aurora_migrate::Error> {
    for job in Catalog::from_embedded(MIGRATIONS)?.backfill(pool).await? {
        println!(
            "backfill {} {}: {} row(s)",
            job.revision,
            job.state.name(),
            job.rows_done
        );
    }
    Ok(())
}

fn report(run: Run, status: &str) {
    println!("applied {} migration(s)", run.steps.len());
    println!("status: {status}");
}

/// One query against the schema the migrations built: `pinned` comes from the Rust migration;
/// `words` is written for each new note (the backfill fills in the older ones).
const NOTE: &str = "INSERT INTO notes (body, pinned, words) VALUES ('migrated at start', TRUE, 3)";
const PINNED: &str = "SELECT COUNT(*) FROM notes WHERE pinned";

// What a service needs to migrate at start (the README shows it as it is here):
async fn migrate(pool: impl Into<aurora_migrate::Pool>) -> Result<Run, aurora_migrate::Error> {
    let catalog = Catalog::from_embedded(MIGRATIONS)?;
    catalog.upgrade(pool, &Target::Head).await
}

/// What a readiness probe would serve: `ready, backfill c3d4e5f6a1b2 running at 40%`.
async fn readiness(pool: impl Into<aurora_migrate::Pool>) -> Result<String, aurora_migrate::Error> {
    let standing = Catalog::from_embedded(MIGRATIONS)?.standing(pool).await?;
    Ok(standing.readiness())
}

/// Where the database stands, as a readiness probe would serve it.
async fn status(
    pool: impl Into<aurora_migrate::Pool>,
) -> Result<&'static str, aurora_migrate::Error> {
    let standing = Catalog::from_embedded(MIGRATIONS)?.standing(pool).await?;
    Ok(standing.state().name())
}
