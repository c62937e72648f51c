//! A service migrating at start through its own sqlx pool: the same runner, lock and
//! bookkeeping as the command line, the pooled connection handed back as it was taken; and a
//! program's own command line without models, run from async code too.

use std::time::Duration;

use aurora_migrate::runner::State;
use aurora_migrate::{Error, Options, Pool, Runner, Target};
use sqlx::Connection;

use crate::support::{Db, MysqlDb, PgDb, SqliteDb};

const HEAD: &str = "8d1e6b0f2a57";

async fn pool_of(db: &Db) -> Pool {
    match db {
        Db::Pg(pg) => sqlx::PgPool::connect(&pg.url).await.expect("pool").into(),
        Db::Sqlite(lite) => {
            let options: sqlx::sqlite::SqliteConnectOptions = lite.url.parse().expect("options");
            sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(options.create_if_missing(true))
                .await
                .expect("pool")
                .into()
        }
        Db::Mysql(my) => sqlx::mysql::MySqlPoolOptions::new()
            .max_connections(1)
            .connect(&my.url)
            .await
            .expect("pool")
            .into(),
    }
}

#[tokio::test]
async fn a_service_migrates_through_its_own_pool() {
    let catalog = aurora::catalog().expect("embedded");
    for db in Db::all() {
        let pool = pool_of(&db).await;
        let standing = catalog.standing(pool.clone()).await.expect("standing");
        assert_eq!(standing.state(), State::Behind, "{}", db.name());
        let run = catalog
            .upgrade(pool.clone(), &Target::Head)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", db.name()));
        assert_eq!(run.steps.len(), 3);
        assert_eq!(run.current, [HEAD]);
        assert_eq!(db.query("SELECT version_num FROM alembic_version"), [HEAD]);
        assert!(
            catalog
                .standing(pool.clone())
                .await
                .expect("standing")
                .is_ready()
        );
        let again = catalog.upgrade(pool, &Target::Head).await.expect("no-op");
        assert!(again.steps.is_empty());
    }
}

#[tokio::test]
async fn the_pooled_connection_goes_back_as_it_was_taken() {
    let catalog = aurora::catalog().expect("embedded");
    let lite = Db::Sqlite(SqliteDb::new());
    let pool = pool_of(&lite).await;
    let Pool::Sqlite(sqlite) = &pool else {
        unreachable!("a SQLite pool")
    };
    let enforced = |pool: sqlx::SqlitePool| async move {
        sqlx::query_scalar::<_, i64>("PRAGMA foreign_keys")
            .fetch_one(&pool)
            .await
            .expect("pragma")
    };
    assert_eq!(
        enforced(sqlite.clone()).await,
        1,
        "sqlx enforces foreign keys"
    );
    catalog
        .upgrade(pool.clone(), &Target::Head)
        .await
        .expect("upgrade");
    assert_eq!(
        enforced(sqlite.clone()).await,
        1,
        "and still does after the run"
    );

    let my = Db::Mysql(MysqlDb::new());
    let pool = pool_of(&my).await;
    let Pool::Mysql(mysql) = &pool else {
        unreachable!("a MySQL pool")
    };
    let mode = |pool: sqlx::MySqlPool| async move {
        sqlx::query_scalar::<_, String>("SELECT CAST(@@SESSION.sql_mode AS CHAR)")
            .fetch_one(&pool)
            .await
            .expect("mode")
    };
    let before = mode(mysql.clone()).await;
    assert!(!before.contains("ANSI_QUOTES"), "{before}");
    catalog
        .upgrade(pool.clone(), &Target::Head)
        .await
        .expect("upgrade");
    assert_eq!(
        mode(mysql.clone()).await,
        before,
        "the SQL mode is the service's again"
    );
}

#[tokio::test]
async fn a_pool_runner_waits_for_the_same_lock_as_every_runner() {
    let catalog = aurora::catalog().expect("embedded");
    let pg = PgDb::new();
    let key = aurora_migrate::version_table::Tables::new("alembic_version")
        .expect("tables")
        .lock_key();
    let mut holder = sqlx::PgConnection::connect(&pg.url).await.expect("connect");
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(key)
        .execute(&mut holder)
        .await
        .expect("lock");
    let pool = sqlx::PgPool::connect(&pg.url).await.expect("pool");
    let options = Options::default().with_lock_timeout(Some(Duration::from_millis(600)));
    let runner = Runner::with_pool(&catalog, &pool, options).expect("runner");
    let error = runner
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .expect_err("the lock is held");
    assert!(matches!(error, Error::LockTimeout { .. }), "{error}");
    assert!(
        pg.query("SELECT tablename::text FROM pg_tables WHERE tablename = 'chains'")
            .is_empty()
    );
    let _ = holder.close().await;
    let run = runner
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .expect("free now");
    assert_eq!(run.current, [HEAD]);
}

#[test]
fn a_program_without_models_checks_heads_and_checksums_alone() {
    let lite = SqliteDb::new();
    let app =
        |models| aurora_migrate_cli::App::new("myservice", aurora::MIGRATIONS).with_models(models);
    let run = |models, args: &[&str]| {
        let args = std::iter::once("myservice")
            .chain(["--database-url", lite.url.as_str(), "-q"])
            .chain(args.iter().copied());
        aurora_migrate_cli::run(app(models), args)
    };
    let success = std::process::ExitCode::SUCCESS;
    assert_eq!(run(None, &["upgrade"]), success);
    lite.query("DROP INDEX ix_tokens_symbol");
    let with_models: Option<fn() -> aurora_migrate::schema::model::Schema> =
        Some(aurora::models::schema);
    assert_ne!(
        run(with_models, &["check"]),
        success,
        "the models see the missing index"
    );
    assert_eq!(
        run(None, &["check"]),
        success,
        "heads and checksums alone pass"
    );
    assert_ne!(
        run(None, &["create", "x", "--autogenerate"]),
        success,
        "nothing to compare"
    );
}

/// A service's command line run from its own async code, on either kind of tokio runtime: the
/// command gets a runtime of its own rather than panicking on the caller's.
fn history_from_async_code() -> std::process::ExitCode {
    let lite = SqliteDb::new();
    let app = aurora_migrate_cli::App::new("myservice", aurora::MIGRATIONS);
    let upgraded = aurora_migrate_cli::run(
        app,
        [
            "myservice",
            "-q",
            "upgrade",
            "--database-url",
            lite.url.as_str(),
        ],
    );
    assert_eq!(upgraded, std::process::ExitCode::SUCCESS);
    aurora_migrate_cli::run(
        app,
        [
            "myservice",
            "-q",
            "history",
            "--database-url",
            lite.url.as_str(),
        ],
    )
}

#[tokio::test(flavor = "current_thread")]
async fn the_command_line_runs_inside_a_current_thread_runtime() {
    assert_eq!(history_from_async_code(), std::process::ExitCode::SUCCESS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_runs_inside_a_multi_thread_runtime() {
    assert_eq!(history_from_async_code(), std::process::ExitCode::SUCCESS);
}

#[tokio::test]
async fn the_command_line_runs_from_spawn_blocking() {
    let code = tokio::task::spawn_blocking(history_from_async_code)
        .await
        .expect("joined");
    assert_eq!(code, std::process::ExitCode::SUCCESS);
}
