//! Faults: a failing statement at every position of a run, `kill -9` of the runner at random
//! moments, and downgrades racing upgrades. Afterwards the database is always at a revision
//! the tool reports, with no half-applied migration, and a second run completes.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use aurora_migrate::Catalog;
use aurora_migrate::error::Error;
use aurora_migrate::migrations::source::scan;
use aurora_migrate::{DatabaseUrl, Options, Runner, Target};

use crate::support::{Db, cli};

const CHAIN: usize = 6;

/// A chain of migrations r01..rNN, each creating t01..tNN; `failing` adds a bad statement
/// to one of them, after its CREATE; `delay` makes each migration slow.
pub fn chain(dir: &Path, count: usize, failing: Option<usize>, delay: bool) {
    for i in 1..=count {
        let parent = if i == 1 {
            String::new()
        } else {
            format!("r{:02}", i - 1)
        };
        let bad = if failing == Some(i) {
            "INSERT INTO no_such_table VALUES (1);\n"
        } else {
            ""
        };
        let (pg_delay, sqlite_delay) = if delay {
            (
                "SELECT pg_sleep(0.05);\n",
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT count(*) FROM c;\n",
            )
        } else {
            ("", "")
        };
        let text = format!(
            "-- r{i:02}\n--\n-- Revision ID: r{i:02}\n-- Revises: {parent}\n\n\
             -- migrate:upgrade postgresql\nCREATE TABLE t{i:02} (id INTEGER);\n{pg_delay}{bad}INSERT INTO t{i:02} VALUES ({i});\n\n\
             -- migrate:upgrade sqlite\nCREATE TABLE t{i:02} (id INTEGER);\n{sqlite_delay}{bad}INSERT INTO t{i:02} VALUES ({i});\n\n\
             -- migrate:downgrade\nDROP TABLE t{i:02};\n"
        );
        std::fs::write(dir.join(format!("r{i:02}_step.sql")), text).expect("write");
    }
}

fn tables(db: &Db) -> Vec<String> {
    db.tables()
        .into_iter()
        .filter(|t| {
            t.len() == 3 && t.starts_with('t') && t[1..].bytes().all(|b| b.is_ascii_digit())
        })
        .collect()
}

/// The database is exactly at `r<n>`: its row, its log, its tables, nothing more.
fn assert_at(db: &Db, applied: usize, context: &str) {
    let expected_row: Vec<String> = if applied == 0 {
        vec![]
    } else {
        vec![format!("r{applied:02}")]
    };
    let rows = db.query("SELECT version_num FROM alembic_version");
    assert_eq!(rows, expected_row, "{context}");
    let log = db.query("SELECT revision FROM alembic_version_aurora_log ORDER BY 1");
    let expected: Vec<String> = (1..=applied).map(|i| format!("r{i:02}")).collect();
    assert_eq!(log, expected, "{context}: the log");
    let expected_tables: Vec<String> = (1..=applied).map(|i| format!("t{i:02}")).collect();
    assert_eq!(
        tables(db),
        expected_tables,
        "{context}: no half-applied migration"
    );
}

#[tokio::test]
async fn a_failing_statement_at_every_position_keeps_what_came_before() {
    for failing in 1..=CHAIN {
        for db in Db::transactional() {
            let dir = tempfile::tempdir().expect("dir");
            chain(dir.path(), CHAIN, Some(failing), false);
            let catalog = Catalog::from_scan(scan::scan(dir.path()).expect("valid"));
            let runner = Runner::new(
                &catalog,
                DatabaseUrl::parse(db.url()).unwrap(),
                Options::default(),
            )
            .unwrap();
            let error = runner
                .upgrade(&Target::Head, &mut |_| {})
                .await
                .unwrap_err();
            let Error::Step(failure) = &error else {
                panic!("{error}")
            };
            assert_eq!(failure.revision, format!("r{failing:02}"), "{}", db.name());
            assert_eq!(failure.statement, "INSERT INTO no_such_table VALUES (1)");
            assert_at(
                &db,
                failing - 1,
                &format!("{} failing at r{failing:02}", db.name()),
            );
            // The fixed file lets the next run complete.
            chain(dir.path(), CHAIN, None, false);
            let catalog = Catalog::from_scan(scan::scan(dir.path()).expect("valid"));
            let runner = Runner::new(
                &catalog,
                DatabaseUrl::parse(db.url()).unwrap(),
                Options::default(),
            )
            .unwrap();
            runner
                .upgrade(&Target::Head, &mut |_| {})
                .await
                .expect("the second run completes");
            assert_at(&db, CHAIN, db.name());
        }
    }
}

/// PostgreSQL parses a whole message before it runs any of it, so a syntax error in a migration
/// sent with others after it (pipelined) stops those before it too: they are sent again alone,
/// and the run fails at the migration with the error, as if each had gone alone.
#[tokio::test]
async fn a_syntax_error_at_every_position_keeps_what_came_before() {
    for failing in 1..=CHAIN {
        for db in Db::transactional() {
            let dir = tempfile::tempdir().expect("dir");
            chain(dir.path(), CHAIN, Some(failing), false);
            let file = dir.path().join(format!("r{failing:02}_step.sql"));
            let text = std::fs::read_to_string(&file).unwrap();
            std::fs::write(
                &file,
                text.replace("INSERT INTO no_such_table VALUES (1)", "SELEC 1"),
            )
            .unwrap();
            let catalog = Catalog::from_scan(scan::scan(dir.path()).expect("valid"));
            let runner = Runner::new(
                &catalog,
                DatabaseUrl::parse(db.url()).unwrap(),
                Options::default(),
            )
            .unwrap();
            let error = runner
                .upgrade(&Target::Head, &mut |_| {})
                .await
                .unwrap_err();
            let Error::Step(failure) = &error else {
                panic!("{error}")
            };
            assert_eq!(failure.revision, format!("r{failing:02}"), "{}", db.name());
            assert_eq!(failure.statement, "SELEC 1");
            assert_eq!(failure.done_before.len(), failing - 1, "{}", db.name());
            assert_at(
                &db,
                failing - 1,
                &format!("{} with a syntax error at r{failing:02}", db.name()),
            );
        }
    }
}

/// The guard at the head of a pipelined migration: it fails unless the migration before it
/// committed its bookkeeping (an upgrade's version row, a downgrade's removed log entry).
#[test]
fn a_pipelined_migration_refuses_to_run_unless_the_one_before_it_committed() {
    use aurora_migrate::migrations::Direction;
    use aurora_migrate::testing::committed_guard;
    use aurora_migrate::version_table::Tables;
    let db = crate::support::PgDb::new();
    let tables = Tables::new("alembic_version").unwrap();
    db.query("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)");
    db.query("CREATE TABLE alembic_version_aurora_log (revision VARCHAR(32) PRIMARY KEY)");
    let passes = |sql: String| {
        std::process::Command::new("psql")
            .args([
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                &db.url,
                "-c",
                &sql,
            ])
            .output()
            .unwrap()
            .status
            .success()
    };
    let after_upgrade = committed_guard(&tables, "r01", Direction::Upgrade);
    let after_downgrade = committed_guard(&tables, "r01", Direction::Downgrade);
    assert!(
        !passes(after_upgrade.clone()),
        "r01's upgrade did not commit"
    );
    assert!(passes(after_downgrade.clone()), "r01 is not in the log");
    db.query("INSERT INTO alembic_version VALUES ('r01')");
    db.query("INSERT INTO alembic_version_aurora_log VALUES ('r01')");
    assert!(passes(after_upgrade), "r01's upgrade committed");
    assert!(!passes(after_downgrade), "r01's downgrade did not commit");
}

/// Inside the child process that `kill -9` hits: upgrade the chain named by the environment.
#[tokio::test]
async fn child_upgrade_for_kill_test() {
    let (Ok(dir), Ok(url)) = (
        std::env::var("AURORA_CHILD_DIR"),
        std::env::var("AURORA_CHILD_URL"),
    ) else {
        return; // only meaningful when spawned by `kill_9_at_random_moments_leaves_a_consistent_database`
    };
    let catalog = Catalog::from_scan(scan::scan(Path::new(&dir)).expect("valid"));
    let runner = Runner::new(
        &catalog,
        DatabaseUrl::parse(&url).unwrap(),
        Options::default(),
    )
    .unwrap();
    runner
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .expect("child upgrade");
}

#[tokio::test]
async fn kill_9_at_random_moments_leaves_a_consistent_database() {
    const LONG: usize = 30;
    let mut seed: u64 = 0x5eed_2026;
    for db in Db::transactional() {
        let dir = tempfile::tempdir().expect("dir");
        chain(dir.path(), LONG, None, true);
        let catalog = Catalog::from_scan(scan::scan(dir.path()).expect("valid"));
        for run in 0..10 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let after = Duration::from_millis(100 + (seed >> 33) % 1200);
            let mut child = Command::new(std::env::current_exe().expect("test binary"))
                .args([
                    "faults::child_upgrade_for_kill_test",
                    "--exact",
                    "--nocapture",
                ])
                .env("AURORA_CHILD_DIR", dir.path())
                .env("AURORA_CHILD_URL", db.url())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn");
            tokio::time::sleep(after).await;
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
            settle(&db).await;
            let runner = Runner::new(
                &catalog,
                DatabaseUrl::parse(db.url()).unwrap(),
                Options::default(),
            )
            .unwrap();
            let status = runner.records().await.expect("the state reads");
            assert!(status.unknown.is_empty());
            let applied = status.applied.set.len();
            assert_at(
                &db,
                applied,
                &format!("{} run {run}, killed after {after:?}", db.name()),
            );
            runner
                .upgrade(&Target::Head, &mut |_| {})
                .await
                .expect("a second upgrade completes");
            assert_at(&db, LONG, db.name());
            runner
                .downgrade(&Target::Base, &mut |_| {})
                .await
                .expect("reset for the next run");
        }
    }
}

/// Waits until the killed runner's server process has gone: PostgreSQL finishes (and may
/// commit) a message already received before it notices its client is dead.
async fn settle(db: &Db) {
    if let Db::Pg(_) = db {
        for _ in 0..100 {
            let others = db.query("SELECT count(*)::text FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
            if others == ["0"] {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the killed runner's session did not end");
    }
}

#[test]
fn downgrades_racing_upgrades_leave_a_consistent_database() {
    for db in Db::all() {
        let dir = tempfile::tempdir().expect("dir");
        let children: Vec<_> = (0..16)
            .map(|i| {
                let args: &[&str] = if i % 2 == 0 {
                    &["upgrade"]
                } else {
                    &["downgrade", "base"]
                };
                cli(dir.path())
                    .args(["--database-url", db.url(), "-q"])
                    .args(args)
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().expect("wait");
            assert!(
                output.status.success(),
                "{}: {}",
                db.name(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let rows = db.query("SELECT version_num FROM alembic_version");
        let log = db
            .query("SELECT revision FROM alembic_version_aurora_log ORDER BY applied_at, revision");
        let chains: Vec<String> = db.tables().into_iter().filter(|t| t == "chains").collect();
        if rows.is_empty() {
            assert!(
                log.is_empty() && chains.is_empty(),
                "{}: at base",
                db.name()
            );
        } else {
            assert_eq!(rows, ["8d1e6b0f2a57"], "{}", db.name());
            assert_eq!(log.len(), 3, "{}", db.name());
            assert_eq!(chains, ["chains"], "{}", db.name());
        }
        let output = cli(dir.path())
            .args(["--database-url", db.url(), "check"])
            .output()
            .expect("check");
        let consistent = output.status.success()
            || String::from_utf8_lossy(&output.stdout).contains("3 migration(s) not applied");
        assert!(
            consistent,
            "{}: {}",
            db.name(),
            String::from_utf8_lossy(&output.stdout)
        );
    }
}

/// SQLite enforces foreign keys per migration, before the commit: a migration that leaves a
/// row pointing at nothing is rolled back whole, and the error names the tables.
#[tokio::test]
async fn on_sqlite_a_migration_that_orphans_rows_is_rolled_back() {
    let db = crate::support::SqliteDb::new();
    let catalog = crate::support::catalog("orphan_rows");
    let runner = Runner::new(
        &catalog,
        DatabaseUrl::parse(&db.url).unwrap(),
        Options::default(),
    )
    .expect("runner");
    let error = runner
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("o2")
            && text.contains(
                "leaves 1 row(s) breaking foreign keys (first: a row of children references a missing parents row)"
            ),
        "{text}"
    );
    assert_eq!(db.query("SELECT version_num FROM alembic_version"), ["o1"]);
    assert!(
        db.query("SELECT id FROM parents").is_empty(),
        "o2 rolled back"
    );
    // The log's timing is taken by SQLite's clock inside the migration's batch.
    let timing = db.query(
        "SELECT CAST(execution_ms AS TEXT) FROM alembic_version_aurora_log WHERE revision = 'o1'",
    );
    let millis: i64 = timing[0].parse().expect("execution_ms recorded");
    assert!((0..60_000).contains(&millis), "{millis}");
}
