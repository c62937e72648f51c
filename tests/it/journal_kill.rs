//! `kill -9` of the runner in the middle of a `Transaction: none` migration, at random
//! moments, on PostgreSQL and SQLite: the next plain `upgrade` ends at the schema a clean run
//! leaves, each data change run once. And the lost acknowledgement: the server finishes a
//! concurrent index build after its client died, and the next run finds the index valid and
//! does not build it again. Judged by `pg_dump`, `sqlite3` and the counter.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use aurora_migrate::migrations::source::scan;
use aurora_migrate::runner::Checked;
use aurora_migrate::{Catalog, DatabaseUrl, Options, Runner, Target};
use sqlx::{Connection, Executor};

use crate::journal::{dump, upgrade};
use crate::support::{Db, PgDb, SqliteDb, runner};

/// Statements that take a while, so that a kill lands between and inside them.
fn pause(db: &Db) -> &'static str {
    match db {
        Db::Pg(_) => "SELECT pg_sleep(0.05)",
        _ => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) \
             SELECT count(*) FROM c"
        }
    }
}

/// m1: the counter; m2: DDL, data changes counted in `hits`, an index (built concurrently on
/// PostgreSQL), with pauses between.
fn write_catalog(dir: &Path, db: &Db) -> Catalog {
    crate::journal::write_counter(dir, &[1, 2]);
    let index = match db {
        Db::Pg(_) => "CREATE INDEX CONCURRENTLY ix_t_m_v ON t_m (v)",
        _ => "CREATE INDEX ix_t_m_v ON t_m (v)",
    };
    let pause = pause(db);
    std::fs::write(
        dir.join("m2_steps.sql"),
        format!(
            "-- Statement by statement\n--\n-- Revision ID: m2\n-- Revises: m1\n-- Transaction: none\n\n\
             -- migrate:upgrade\n\
             CREATE TABLE t_m (id INTEGER PRIMARY KEY, v INTEGER);\n{pause};\n\
             UPDATE hits SET n = n + 1 WHERE step = 1;\n{pause};\n\
             {index};\n{pause};\n\
             ALTER TABLE t_m ADD COLUMN w INTEGER;\n\
             UPDATE hits SET n = n + 1 WHERE step = 2;\n\n\
             -- migrate:downgrade\nDROP TABLE t_m;\n"
        ),
    )
    .expect("write");
    Catalog::from_scan(scan::scan(dir).expect("valid"))
}

/// Inside the child that `kill -9` hits (see the tests below).
#[tokio::test]
async fn child_journal_upgrade_for_kill_test() {
    let (Ok(dir), Ok(url)) = (
        std::env::var("AURORA_JOURNAL_CHILD_DIR"),
        std::env::var("AURORA_JOURNAL_CHILD_URL"),
    ) else {
        return;
    };
    let catalog = Catalog::from_scan(scan::scan(Path::new(&dir)).expect("valid"));
    let runner = Runner::new(
        &catalog,
        DatabaseUrl::parse(&url).unwrap(),
        Options::default(),
    )
    .unwrap();
    let _ = runner.upgrade(&Target::Head, &mut |_| {}).await;
}

fn spawn_child(dir: &Path, url: &str) -> std::process::Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "journal_kill::child_journal_upgrade_for_kill_test",
            "--exact",
        ])
        .env("AURORA_JOURNAL_CHILD_DIR", dir)
        .env("AURORA_JOURNAL_CHILD_URL", url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn")
}

fn counts(db: &Db) -> Vec<String> {
    db.query(match db {
        Db::Mysql(_) => "SELECT CAST(n AS CHAR) FROM hits ORDER BY step",
        _ => "SELECT CAST(n AS TEXT) FROM hits ORDER BY step",
    })
}

async fn killed_at_random_moments(make: fn() -> Db) {
    let clean = make();
    let dir = tempfile::tempdir().expect("dir");
    let catalog = write_catalog(dir.path(), &clean);
    upgrade(&catalog, &clean).await.expect("a clean run");
    let reference = dump(&clean);
    let db = make();
    let mut seed: u64 = 0x10c4_2026;
    let mut stopped_part_way = 0;
    for run in 0..8 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let after = Duration::from_millis(20 + (seed >> 33) % 400);
        let mut child = spawn_child(dir.path(), db.url());
        tokio::time::sleep(after).await;
        let _ = child.kill();
        let _ = child.wait();
        tokio::time::sleep(Duration::from_millis(300)).await; // the server ends the session
        let standing = runner(&catalog, &db).standing().await.expect("standing");
        assert!(
            standing.unfinished.len() <= 1,
            "run {run}: {:?}",
            standing.unfinished
        );
        stopped_part_way += standing.unfinished.len();
        upgrade(&catalog, &db)
            .await
            .unwrap_or_else(|e| panic!("run {run}, killed after {after:?}: {e}"));
        assert_eq!(dump(&db), reference, "run {run}, killed after {after:?}");
        assert_eq!(
            counts(&db),
            ["1", "1"],
            "run {run}: each data change ran once"
        );
        runner(&catalog, &db)
            .downgrade(&Target::Base, &mut |_| {})
            .await
            .expect("back to base");
    }
    assert!(stopped_part_way > 0, "no kill landed inside the migration");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_killed_at_random_moments_continues_where_it_stopped() {
    killed_at_random_moments(|| Db::Pg(PgDb::new())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_killed_at_random_moments_continues_where_it_stopped() {
    killed_at_random_moments(|| Db::Sqlite(SqliteDb::new())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_build_finished_after_its_client_died_is_found_done_and_not_built_again() {
    let db = Db::Pg(PgDb::new());
    let dir = tempfile::tempdir().expect("dir");
    let catalog = write_catalog(dir.path(), &db);
    runner(&catalog, &db)
        .upgrade(&Target::parse("m1").unwrap(), &mut |_| {})
        .await
        .expect("m1");
    // A transaction holding a snapshot: the concurrent build waits for it to end.
    let mut reader = sqlx::PgConnection::connect(db.url())
        .await
        .expect("connect");
    reader
        .execute("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1")
        .await
        .expect("snapshot");
    let mut child = spawn_child(dir.path(), db.url());
    let waiting = "SELECT count(*)::text FROM pg_stat_progress_create_index \
                   WHERE datname = current_database() AND phase LIKE 'waiting for old snapshots%'";
    let started = Instant::now();
    while db.query(waiting) != ["1"] {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the build never waited"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = child.kill(); // the client is gone; the server's build goes on
    let _ = child.wait();
    reader.execute("COMMIT").await.expect("commit");
    let valid = "SELECT coalesce((SELECT indisvalid::text FROM pg_index WHERE indexrelid = to_regclass('ix_t_m_v')), 'none')";
    let started = Instant::now();
    while db.query(valid) != ["true"] {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server never finished the build"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let built = db.query("SELECT to_regclass('ix_t_m_v')::oid::text");

    let standing = runner(&catalog, &db).standing().await.expect("standing");
    let [unfinished] = standing.unfinished.as_slice() else {
        panic!("{:?}", standing.unfinished);
    };
    assert_eq!(unfinished.step, 4, "the build is where it stopped");
    assert!(
        matches!(&unfinished.checked, Some(Checked::TookEffect(note)) if note.contains("exists and is valid")),
        "{:?}",
        unfinished.checked
    );
    upgrade(&catalog, &db).await.expect("continues");
    assert_eq!(
        db.query("SELECT to_regclass('ix_t_m_v')::oid::text"),
        built,
        "the index the server finished is kept, not built again"
    );
    assert_eq!(counts(&db), ["1", "1"]);
}
