//! One durable flush per run (`--durability run`, the default on PostgreSQL), counted by the
//! server itself on a server no other test writes to: a run of 100 migrations flushes the WAL
//! about once, where `--durability each` flushes it once per migration; a run that stops at a
//! failing migration makes what it committed durable before it reports it.

use std::path::Path;
use std::time::Duration;

use aurora_migrate::migrations::source::scan;
use aurora_migrate::runner::{Durability, Options};
use aurora_migrate::{Catalog, DatabaseUrl, Error, Runner, Target};

use crate::servers::postgres_of_its_own;
use crate::support::texts;

/// `count` migrations, each adding a column to one table, the `failing`-th one (1-based)
/// failing at its statement.
fn migrations(dir: &Path, count: usize, failing: Option<usize>) -> Catalog {
    for i in 1..=count {
        let parent = match i {
            1 => String::new(),
            _ => format!("d{:03}", i - 1),
        };
        let statement = match (i, failing) {
            (1, _) => "CREATE TABLE t (id INTEGER)".to_string(),
            (i, Some(f)) if i == f => "ALTER TABLE no_such_table ADD COLUMN c INTEGER".to_string(),
            (i, _) => format!("ALTER TABLE t ADD COLUMN c{i} INTEGER"),
        };
        std::fs::write(
            dir.join(format!("d{i:03}_step.sql")),
            format!(
                "-- step {i}\n--\n-- Revision ID: d{i:03}\n-- Revises: {parent}\n\n-- migrate:upgrade\n{statement};\n\n-- migrate:downgrade\nSELECT 1;\n"
            ),
        )
        .unwrap();
    }
    Catalog::from_scan(scan::scan(dir).unwrap())
}

fn psql(url: &str, sql: &str) -> String {
    let output = std::process::Command::new("psql")
        .args(["-X", "-At", "-d", url, "-c", sql])
        .output()
        .expect("psql");
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    stdout.trim().to_string()
}

/// The server's count of WAL flushes, once every process has reported its statistics.
fn wal_syncs(url: &str) -> i64 {
    std::thread::sleep(Duration::from_millis(1500));
    psql(url, "SELECT wal_sync FROM pg_stat_wal")
        .parse()
        .unwrap()
}

fn upgrade(catalog: &Catalog, url: &str, durability: Durability) -> Result<Vec<String>, Error> {
    let options = Options::default().with_durability(durability);
    let runner = Runner::new(catalog, DatabaseUrl::parse(url).unwrap(), options).unwrap();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(runner.upgrade(&Target::Head, &mut |_| {}))
        .map(|run| run.current)
}

#[test]
fn a_run_flushes_the_wal_once_where_each_migration_would_flush_it_once_each() {
    // Durable commits on: fsync, as a production server has it; no autovacuum to add flushes.
    let server = postgres_of_its_own("pg-wal", "-c fsync=on -c autovacuum=off");
    let dir = tempfile::tempdir().unwrap();
    let catalog = migrations(dir.path(), 100, None);
    let mut flushes = Vec::new();
    for (database, durability) in [("per_run", Durability::Run), ("per_step", Durability::Each)] {
        psql(&server.url, &format!("CREATE DATABASE {database}"));
        let url = server.url.replace("/test", &format!("/{database}"));
        let before = wal_syncs(&url);
        let current = upgrade(&catalog, &url, durability).expect("upgrade");
        assert_eq!(current, ["d100"]);
        flushes.push(wal_syncs(&url) - before);
    }
    eprintln!(
        "WAL flushes for 100 migrations: {} per run, {} per step",
        flushes[0], flushes[1]
    );
    assert!(flushes[0] <= 5, "one flush per run, not {}", flushes[0]);
    assert!(
        flushes[1] >= 100,
        "one flush per migration, not {}",
        flushes[1]
    );
}

#[test]
fn a_run_stopped_by_a_failure_flushes_what_it_committed_and_leaves_no_trace() {
    let db = crate::support::PgDb::new();
    let dir = tempfile::tempdir().unwrap();
    let catalog = migrations(dir.path(), 20, Some(12));
    let error = upgrade(&catalog, &db.url, Durability::Run).expect_err("d012 fails");
    let message = error.to_string();
    assert!(message.contains("upgrade of d012 failed"), "{message}");
    assert!(!message.contains("did not confirm"), "{message}");
    assert_eq!(
        db.query("SELECT version_num FROM alembic_version"),
        ["d011"]
    );
    // The flush leaves nothing behind in the log.
    assert_eq!(
        db.query("SELECT count(*)::text FROM alembic_version_aurora_log"),
        ["11"]
    );
}
