//! `kill -9` of a backfill's runner at 20 random moments, each run resuming the last: the
//! table ends equal to the reference computed in SQL, every row changed exactly once (its
//! `touch_count`), and the job's `rows_done` equal to the rows changed. On PostgreSQL,
//! MariaDB and SQLite, at sizes CI affords (the benchmark runs the full ones).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use aurora_migrate::backfill::{JobState, Settings};
use aurora_migrate::migrations::source::scan;
use aurora_migrate::runner::Backfills;
use aurora_migrate::{Catalog, DatabaseUrl, Options, Runner, Target};

use crate::backfill::{fill, one, runner, write_catalog, wrong_rows};
use crate::support::{Db, MysqlDb, PgDb, SqliteDb};

/// Small batches of at most `max` rows, so that the kills land inside the job.
pub(crate) fn slow_settings(max: i64) -> Settings {
    let mut settings = crate::backfill_traffic::settings(max, 5);
    settings.poll = Duration::from_millis(50);
    settings
}

/// Inside the child that `kill -9` hits: runs the backfills until done or killed.
#[tokio::test]
async fn child_backfill_for_kill_test() {
    let (Ok(dir), Ok(url)) = (
        std::env::var("AURORA_BACKFILL_CHILD_DIR"),
        std::env::var("AURORA_BACKFILL_CHILD_URL"),
    ) else {
        return;
    };
    let catalog = Catalog::from_scan(scan::scan(Path::new(&dir)).expect("valid"));
    let max = std::env::var("AURORA_BACKFILL_CHILD_MAX")
        .unwrap()
        .parse()
        .unwrap();
    let options = Options::default().with_backfill_settings(slow_settings(max));
    let runner = Runner::new(&catalog, DatabaseUrl::parse(&url).unwrap(), options).unwrap();
    let _ = runner.run_backfills(None, &mut |_| {}).await;
}

fn spawn_child(dir: &Path, url: &str, max: i64) -> std::process::Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args(["backfill_kill::child_backfill_for_kill_test", "--exact"])
        .env("AURORA_BACKFILL_CHILD_DIR", dir)
        .env("AURORA_BACKFILL_CHILD_URL", url)
        .env("AURORA_BACKFILL_CHILD_MAX", max.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn")
}

async fn killed_at_random_moments(db: Db, rows: u64, max: i64) {
    let dir = tempfile::tempdir().expect("dir");
    let catalog = write_catalog(dir.path(), "10ms");
    let deferred = runner(&catalog, &db, Backfills::Defer);
    deferred
        .upgrade(&Target::parse("b1").unwrap(), &mut |_| {})
        .await
        .unwrap();
    fill(&db, rows);
    deferred
        .upgrade(&Target::parse("b2").unwrap(), &mut |_| {})
        .await
        .unwrap();
    let mut seed: u64 = 0x0bac_2026;
    let mut cursors = Vec::new();
    for kill in 0..20 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let after = Duration::from_millis(60 + (seed >> 33) % 300);
        let mut child = spawn_child(dir.path(), db.url(), max);
        tokio::time::sleep(after).await;
        let _ = child.kill();
        let _ = child.wait();
        let jobs = deferred.backfills().await.expect("jobs");
        assert_eq!(
            wrong_changes(&db),
            "0",
            "{} kill {kill}: a row changed twice",
            db.name()
        );
        cursors.push(jobs[0].cursor);
    }
    eprintln!("{}: cursor after each kill: {cursors:?}", db.name());
    let landed = cursors.windows(2).filter(|w| w[0] != w[1]).count();
    assert!(
        landed >= 10,
        "{}: the kills did not land inside the job: {cursors:?}",
        db.name()
    );
    Runner::new(
        &catalog,
        DatabaseUrl::parse(db.url()).unwrap(),
        Options::default().with_backfill_settings(slow_settings(max)),
    )
    .unwrap()
    .run_backfills(None, &mut |_| {})
    .await
    .unwrap_or_else(|e| panic!("{}: {e}", db.name()));
    let finished = deferred.backfills().await.expect("jobs");
    assert_eq!(finished[0].state, JobState::Done);
    assert_eq!(
        wrong_rows(&db),
        "0",
        "{}: rows differ from the reference",
        db.name()
    );
    let changed = one(
        &db,
        "SELECT CAST(count(*) AS CHAR(20)) FROM items WHERE touch_count = 1",
    );
    assert_eq!(changed, rows.to_string());
    assert_eq!(
        finished[0].rows_done.to_string(),
        changed,
        "{}: rows_done",
        db.name()
    );
}

/// Rows a batch changed more than once, or changed wrongly.
fn wrong_changes(db: &Db) -> String {
    one(
        db,
        "SELECT CAST(count(*) AS CHAR(20)) FROM items WHERE touch_count > 1 OR (touch_count = 1 AND doubled <> v * 2) \
         OR (touch_count = 0 AND doubled IS NOT NULL)",
    )
}

/// The table's size in CI, and with `AURORA_BACKFILL_FULL=1` the full one (1,000,000 rows on
/// PostgreSQL and MariaDB, 200,000 on SQLite), with batches as many times larger.
fn scaled(rows: u64, max: i64, full: u64) -> (u64, i64) {
    match std::env::var("AURORA_BACKFILL_FULL").is_ok_and(|v| v == "1") {
        true => (full, max * (full / rows) as i64),
        false => (rows, max),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backfill_killed_20_times_changes_each_row_once() {
    let (rows, max) = scaled(100_000, 300, 1_000_000);
    killed_at_random_moments(Db::Pg(PgDb::new()), rows, max).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_backfill_killed_20_times_changes_each_row_once() {
    let (rows, max) = scaled(100_000, 50, 1_000_000);
    killed_at_random_moments(Db::Mysql(MysqlDb::new()), rows, max).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backfill_killed_20_times_changes_each_row_once() {
    let (rows, max) = scaled(50_000, 20, 200_000);
    killed_at_random_moments(Db::Sqlite(SqliteDb::new()), rows, max).await;
}
