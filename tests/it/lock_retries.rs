//! Lock timeouts with retries, on real servers: another session holds a conflicting lock in an
//! open transaction; the migration rolls back at each timeout and tries again with a longer
//! one, so that readers of the table wait no longer than the current timeout; when the holder
//! commits, the migration succeeds, and the retries are in the output and in JSON. When the
//! holder never lets go, the run fails after the schedule, names the holder, leaves nothing
//! half-applied and releases its lock. On PostgreSQL and MariaDB.

use std::time::{Duration, Instant};

use aurora_migrate::error::Error;
use aurora_migrate::runner::{Event, LockRetries};
use aurora_migrate::{Catalog, DatabaseUrl, Options, Runner, Target};
use sqlx::{Connection, Executor};

use crate::support::{Db, MysqlDb, PgDb, catalog_of, cli, texts};

fn runner<'c>(catalog: &'c Catalog, db: &Db, retries: LockRetries) -> Runner<'c> {
    let options = Options::default().with_statement_locks(retries);
    Runner::new(catalog, DatabaseUrl::parse(db.url()).unwrap(), options).unwrap()
}

fn target(text: &str) -> Target {
    Target::parse(text).unwrap()
}

/// A session that reads `t_accounts` in a transaction it keeps open: r4's ALTER TABLE must
/// wait for it.
async fn hold(db: &Db) -> Box<dyn Holder> {
    match db {
        Db::Pg(pg) => {
            let mut connection = sqlx::PgConnection::connect(&pg.url).await.unwrap();
            connection.execute("BEGIN").await.unwrap();
            connection
                .execute("SELECT * FROM t_accounts")
                .await
                .unwrap();
            Box::new(connection)
        }
        Db::Mysql(mysql) => {
            let mut connection = sqlx::MySqlConnection::connect(&mysql.url).await.unwrap();
            connection.execute("START TRANSACTION").await.unwrap();
            connection
                .execute("SELECT * FROM t_accounts")
                .await
                .unwrap();
            Box::new(connection)
        }
        Db::Sqlite(_) => unreachable!("SQLite has no table locks"),
    }
}

trait Holder: Send {
    fn commit(self: Box<Self>) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;
}

impl Holder for sqlx::PgConnection {
    fn commit(
        mut self: Box<Self>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        Box::pin(async move {
            self.execute("COMMIT").await.unwrap();
        })
    }
}

impl Holder for sqlx::MySqlConnection {
    fn commit(
        mut self: Box<Self>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        Box::pin(async move {
            self.execute("COMMIT").await.unwrap();
        })
    }
}

/// How long one read of `t_accounts` from a fresh session takes.
async fn read_once(db: &Db) -> Duration {
    let started = Instant::now();
    match db {
        Db::Pg(pg) => {
            let mut c = sqlx::PgConnection::connect(&pg.url).await.unwrap();
            let connected = Instant::now();
            c.execute("SELECT count(*) FROM t_accounts").await.unwrap();
            let _ = started;
            connected.elapsed()
        }
        Db::Mysql(mysql) => {
            let mut c = sqlx::MySqlConnection::connect(&mysql.url).await.unwrap();
            let connected = Instant::now();
            c.execute("SELECT count(*) FROM t_accounts").await.unwrap();
            connected.elapsed()
        }
        Db::Sqlite(_) => unreachable!(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_migration_waiting_for_a_lock_retries_and_readers_wait_no_longer_than_its_timeout() {
    let (_dir, catalog) = catalog_of("beyond", &["r1", "r2", "r3", "r4"]);
    for (db, first, hold_for) in [
        (
            Db::Pg(PgDb::new()),
            Duration::from_millis(100),
            Duration::from_millis(1500),
        ),
        // MySQL counts lock timeouts in whole seconds.
        (
            Db::Mysql(MysqlDb::new()),
            Duration::from_secs(1),
            Duration::from_millis(2500),
        ),
    ] {
        let name = db.name();
        let retries = LockRetries {
            first: Some(first),
            retries: 8,
        };
        runner(&catalog, &db, retries)
            .upgrade(&target("r3"), &mut |_| {})
            .await
            .unwrap();
        let holder = hold(&db).await;

        // Readers arrive while the migration waits: each waits at most the attempt's timeout.
        let reader_db = match &db {
            Db::Pg(pg) => Db::Pg(PgDb {
                name: pg.name.clone(),
                url: pg.url.clone(),
            }),
            Db::Mysql(m) => Db::Mysql(MysqlDb {
                name: m.name.clone(),
                url: m.url.clone(),
            }),
            Db::Sqlite(_) => unreachable!(),
        };
        let readers = tokio::spawn(async move {
            let mut waits = Vec::new();
            tokio::time::sleep(Duration::from_millis(50)).await;
            let deadline = Instant::now() + Duration::from_millis(1000);
            while Instant::now() < deadline {
                waits.push(read_once(&reader_db).await);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            std::mem::forget(reader_db); // the test's own Db drops the database
            waits
        });
        let release = tokio::spawn(async move {
            tokio::time::sleep(hold_for).await;
            holder.commit().await;
        });
        let mut retried = Vec::new();
        let started = Instant::now();
        let run = runner(&catalog, &db, retries)
            .upgrade(&target("r4"), &mut |event| {
                if let Event::LockRetry {
                    attempt, waited, ..
                } = event
                {
                    retried.push((attempt, waited));
                }
            })
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let took = started.elapsed();
        release.await.unwrap();
        let waits = readers.await.unwrap();
        assert_eq!(run.current, ["r4"], "{name}");
        assert!(!retried.is_empty(), "{name}: it retried");
        assert_eq!(run.steps[0].retries as usize, retried.len(), "{name}");
        assert_eq!(retried[0], (2, first), "{name}");
        assert!(
            took >= hold_for,
            "{name}: it waited for the holder ({took:?})"
        );
        let longest_timeout = retried.iter().map(|(_, w)| *w).max().unwrap();
        let worst = waits.iter().max().copied().unwrap_or_default();
        assert!(!waits.is_empty(), "{name}");
        assert!(
            worst <= longest_timeout * 2 + Duration::from_millis(300),
            "{name}: a reader waited {worst:?}, the longest lock timeout was {longest_timeout:?}"
        );
        eprintln!(
            "{name}: {} retries over {took:?}; {} reads, the slowest {worst:?} (lock timeouts up to {longest_timeout:?})",
            retried.len(),
            waits.len()
        );
        assert!(
            !db.query("SELECT version_num FROM alembic_version")
                .is_empty()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_holder_that_never_lets_go_fails_the_run_after_the_schedule_naming_it() {
    let (_dir, catalog) = catalog_of("beyond", &["r1", "r2", "r3", "r4"]);
    for (db, first) in [
        (Db::Pg(PgDb::new()), Duration::from_millis(50)),
        (Db::Mysql(MysqlDb::new()), Duration::from_secs(1)),
    ] {
        let name = db.name();
        let retries = LockRetries {
            first: Some(first),
            retries: 2,
        };
        runner(&catalog, &db, retries)
            .upgrade(&target("r3"), &mut |_| {})
            .await
            .unwrap();
        let holder = hold(&db).await;
        let failed = runner(&catalog, &db, retries)
            .upgrade(&target("r4"), &mut |_| {})
            .await;
        let Err(Error::Step(failure)) = failed else {
            panic!("{name}: {failed:?}");
        };
        let lock = failure.lock.as_ref().expect("a lock failure");
        assert_eq!(lock.attempts, 3, "{name}");
        let message = failure.to_string();
        let holder_named = match name {
            "postgresql" => "server process ",
            _ => "connection ",
        };
        assert!(
            lock.holder
                .as_deref()
                .is_some_and(|h| h.contains(holder_named)),
            "{name}: {message}"
        );
        assert!(message.contains("after 3 attempt(s)"), "{name}: {message}");
        holder.commit().await;
        // Nothing half-applied: still at r3, the column there; the lock released.
        assert_eq!(
            db.query("SELECT version_num FROM alembic_version"),
            ["r3"],
            "{name}"
        );
        let columns = match name {
            "postgresql" => db.query("SELECT column_name::text FROM information_schema.columns WHERE table_name = 't_accounts'"),
            _ => db.query("SELECT CAST(COLUMN_NAME AS CHAR) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't_accounts'"),
        };
        assert!(columns.contains(&"name".to_string()), "{name}: {columns:?}");
        let quick = Options::default().with_lock_timeout(Some(Duration::from_secs(1)));
        let run = Runner::new(&catalog, DatabaseUrl::parse(db.url()).unwrap(), quick)
            .unwrap()
            .upgrade(&target("r4"), &mut |_| {})
            .await
            .unwrap_or_else(|e| panic!("{name}: the runner's lock is free: {e}"));
        assert_eq!(run.current, ["r4"], "{name}");
    }
}

#[test]
fn the_command_line_prints_each_retry_and_counts_them_in_json() {
    let db = PgDb::new();
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        cli(dir.path())
            .args(args)
            .args(["--database-url", &db.url])
            .output()
            .unwrap()
    };
    assert!(run(&["upgrade", "3f2a9c1b7d4e"]).status.success());
    let url = db.url.clone();
    let holder = std::thread::spawn(move || {
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(async move {
                let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
                connection.execute("BEGIN").await.unwrap();
                connection.execute("SELECT * FROM chains").await.unwrap();
                tokio::time::sleep(Duration::from_millis(900)).await;
                connection.execute("COMMIT").await.unwrap();
            })
    });
    std::thread::sleep(Duration::from_millis(200));
    let output = run(&[
        "upgrade",
        "--statement-lock-timeout",
        "100ms",
        "--format",
        "json",
    ]);
    holder.join().unwrap();
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("8d1e6b0f2a57 waited 100ms for a lock (canceling statement due to lock timeout); rolled back, attempt 2 in 100ms with a 200ms lock timeout"),
        "{stderr}"
    );
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        value["steps"][0]["lock_retries"].as_u64().unwrap() >= 1,
        "{value}"
    );
    let output = run(&["upgrade", "--statement-lock-timeout", "0s"]);
    assert_eq!(output.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_retry_gives_the_timeout_the_database_applied() {
    let (_dir, catalog) = catalog_of("beyond", &["r1", "r2", "r3", "r4"]);
    let (ms, s) = (Duration::from_millis, Duration::from_secs);
    // MySQL and MariaDB take whole seconds, PostgreSQL whole milliseconds: each attempt's
    // timeout is rounded up to what the server applies, and doubles from there.
    for (db, first, applied) in [
        (Db::Mysql(MysqlDb::new()), ms(100), [s(1), s(2)]),
        (Db::Mysql(MysqlDb::new()), ms(1500), [s(2), s(4)]),
        (
            Db::Pg(PgDb::new()),
            Duration::from_micros(1500),
            [ms(2), ms(4)],
        ),
    ] {
        let name = db.name();
        let retries = LockRetries {
            first: Some(first),
            retries: 1,
        };
        runner(&catalog, &db, retries)
            .upgrade(&target("r3"), &mut |_| {})
            .await
            .unwrap();
        let holder = hold(&db).await;
        let mut said = Vec::new();
        let started = Instant::now();
        let failed = runner(&catalog, &db, retries)
            .upgrade(&target("r4"), &mut |event| {
                if let Event::LockRetry {
                    waited,
                    next,
                    pause,
                    ..
                } = event
                {
                    said.push((waited, pause, next));
                }
            })
            .await;
        let took = started.elapsed();
        holder.commit().await;
        assert!(failed.is_err(), "{name}: {failed:?}");
        assert_eq!(
            said,
            [(applied[0], applied[0], applied[1])],
            "{name} {first:?}"
        );
        // The server waited what was said: both timeouts and the pause between them.
        let said_total = applied[0] * 2 + applied[1];
        assert!(
            took >= said_total && took < said_total + s(2),
            "{name} {first:?}: took {took:?}, said {said_total:?}"
        );
    }
}

#[test]
fn the_command_line_gives_mariadbs_whole_seconds() {
    let db = MysqlDb::new();
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        cli(dir.path())
            .args(args)
            .args(["--database-url", &db.url])
            .output()
            .unwrap()
    };
    assert!(run(&["upgrade", "3f2a9c1b7d4e"]).status.success());
    let url = db.url.clone();
    let holder = std::thread::spawn(move || {
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(async move {
                let mut connection = sqlx::MySqlConnection::connect(&url).await.unwrap();
                connection.execute("START TRANSACTION").await.unwrap();
                connection.execute("SELECT * FROM chains").await.unwrap();
                tokio::time::sleep(Duration::from_millis(1500)).await;
                connection.execute("COMMIT").await.unwrap();
            })
    });
    std::thread::sleep(Duration::from_millis(200));
    let output = run(&["upgrade"]);
    holder.join().unwrap();
    let (_, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("8d1e6b0f2a57 waited 1s for a lock (")
            && stderr.contains("rolled back, attempt 2 in 1s with a 2s lock timeout"),
        "{stderr}"
    );
}
