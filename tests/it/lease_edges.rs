//! The lease's edges, on PostgreSQL and MariaDB: its length is bounded; a lease row with no
//! expiry, an impossible one, or the largest fencing token does not block the next runner;
//! the lease table's name counts in the identifier limit; a holder is called dead only when
//! it ran on this host and its process is gone; and `lease break` frees a stale lease, refuses
//! a live one unless forced, and fences off a holder that comes back.

use std::path::Path;
use std::time::{Duration, Instant};

use aurora_migrate::error::LeaseError;
use aurora_migrate::runner::{Lock, Options};
use aurora_migrate::{DatabaseUrl, Error, Runner, Target};

use crate::support::{Db, MysqlDb, PgDb, SqliteDb, catalog, cli, texts};

fn run(dir: &Path, url: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let output = cli(dir)
        .args(["--database-url", url])
        .args(args)
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    (output.status.code(), stdout, stderr)
}

/// The lease row, as `token holder`.
fn lease_row(db: &Db) -> String {
    let text = match db {
        Db::Mysql(_) => "CHAR",
        _ => "TEXT",
    };
    db.query(&format!(
        "SELECT CAST(CONCAT(token, ' ', COALESCE(holder, 'released')) AS {text}) FROM alembic_version_aurora_lease"
    ))
    .concat()
}

#[test]
fn a_lease_length_outside_one_second_to_one_hour_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = PgDb::new();
    for length in ["10y", "2h", "3601s", "500ms"] {
        let (code, _, stderr) = run(
            dir.path(),
            &db.url,
            &["upgrade", "--lock", "lease", "--lease", length],
        );
        assert_eq!(code, Some(2), "--lease {length}: {stderr}");
        assert!(stderr.contains("--lease"), "--lease {length}: {stderr}");
    }
    let output = cli(dir.path())
        .env("AURORA_LEASE", "1000y")
        .args(["--database-url", &db.url, "upgrade", "--lock", "lease"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", texts(&output).1);
    assert_eq!(
        db.query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'"),
        Vec::<String>::new(),
        "nothing was changed"
    );
    let (code, _, stderr) = run(
        dir.path(),
        &db.url,
        &["upgrade", "--lock", "lease", "--lease", "1h"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    // A library caller is held to the same bounds.
    let catalog = catalog("slow");
    for length in [Duration::ZERO, Duration::from_secs(3601), Duration::MAX] {
        let options = Options::default().with_lock(Lock::Lease { duration: length });
        let refused = Runner::new(&catalog, DatabaseUrl::parse(&db.url).unwrap(), options);
        assert!(
            matches!(refused, Err(Error::Lease(LeaseError::Length { .. }))),
            "{length:?}: {:?}",
            refused.err()
        );
    }
}

#[test]
fn no_expiry_an_impossible_expiry_and_the_largest_token_do_not_block_the_lease() {
    let dir = tempfile::tempdir().unwrap();
    for db in [Db::Pg(PgDb::new()), Db::Mysql(MysqlDb::new())] {
        let (code, _, stderr) = run(dir.path(), db.url(), &["upgrade", "--lock", "lease"]);
        assert_eq!(code, Some(0), "{stderr}");
        let far = match db {
            Db::Mysql(_) => "DATE_ADD(UTC_TIMESTAMP(6), INTERVAL 10 YEAR)",
            _ => "now() + interval '10 years'",
        };
        for (case, expiry, token) in [
            ("no expiry", "NULL", "7"),
            ("an expiry ten years ahead", far, "8"),
            (
                "the largest token, no expiry",
                "NULL",
                "9223372036854775807",
            ),
        ] {
            db.query(&format!(
                "UPDATE alembic_version_aurora_lease SET holder = 'ghost', host = 'elsewhere', pid = 1, \
                 expires_at = {expiry}, token = {token}"
            ));
            let (code, stdout, stderr) = run(
                dir.path(),
                db.url(),
                &["upgrade", "--lock", "lease", "--lock-timeout", "2s"],
            );
            assert_eq!(code, Some(0), "{} {case}: {stderr}", db.name());
            assert!(stdout.contains("nothing to do"), "{stdout}");
            let next = match token.parse::<i64>().unwrap() {
                i64::MAX => 1,
                token => token + 1,
            };
            assert_eq!(
                lease_row(&db),
                format!("{next} released"),
                "{} {case}",
                db.name()
            );
        }
        // The largest token moves on when a lease is broken, too.
        db.query(
            "UPDATE alembic_version_aurora_lease SET holder = 'ghost', host = 'elsewhere', pid = 1, \
             expires_at = NULL, token = 9223372036854775807",
        );
        let (code, _, stderr) = run(dir.path(), db.url(), &["lease", "break"]);
        assert_eq!(code, Some(0), "{stderr}");
        assert_eq!(lease_row(&db), "1 released", "{}", db.name());
    }
}

#[test]
fn the_lease_table_name_counts_in_the_identifier_limit() {
    let dir = tempfile::tempdir().unwrap();
    let db = PgDb::new();
    // `<name>_aurora_lease` and `<name>_aurora_steps` have 63 characters at most on
    // PostgreSQL: a name of 51 is too long for them, though its log (62) would fit.
    let long = "v".repeat(51);
    for name in [long.clone(), format!("public.{long}")] {
        let (code, stdout, stderr) = run(
            dir.path(),
            &db.url,
            &[
                "upgrade",
                "--lock",
                "lease",
                "--version-table",
                &name,
                "--format",
                "json",
            ],
        );
        assert_eq!(code, Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("{long}_aurora_steps` would have 64 characters"))
                && stderr.contains("at most 50 characters"),
            "{stderr}"
        );
        let error: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(error["error"]["code"], "version_table");
    }
    assert_eq!(
        db.query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'"),
        Vec::<String>::new(),
        "nothing was changed"
    );
    let (code, _, stderr) = run(dir.path(), &db.url, &["upgrade", "--version-table", &long]);
    assert_eq!(
        code,
        Some(1),
        "any migration may need the step journal, whatever the lock: {stderr}"
    );
    let fits = "w".repeat(50);
    let other = PgDb::new();
    let (code, _, stderr) = run(
        dir.path(),
        &other.url,
        &["upgrade", "--lock", "lease", "--version-table", &fits],
    );
    assert_eq!(code, Some(0), "{stderr}");
}

/// A process id that no process has: one that has just exited.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn a_holder_is_dead_only_on_its_own_host_and_lease_break_frees_only_what_is_stale() {
    let dir = tempfile::tempdir().unwrap();
    let pg = PgDb::new();
    let db = Db::Pg(PgDb::new());
    let (code, _, stderr) = run(dir.path(), db.url(), &["upgrade", "--lock", "lease"]);
    assert_eq!(code, Some(0), "{stderr}");
    // The host this process records when it holds the lease, as the lease table kept it.
    let here = db
        .query("SELECT host FROM alembic_version_aurora_lease")
        .remove(0);
    let hold = |host: &str, pid: u32, expiry: &str| {
        db.query(&format!(
            "UPDATE alembic_version_aurora_lease SET holder = 'ghost', host = '{host}', pid = {pid}, \
             expires_at = now() + interval '{expiry}'"
        ));
    };
    let wait = ["upgrade", "--lock", "lease", "--lock-timeout", "300ms"];

    // Dead: on this host, no such process. Named so, and freed without --force.
    hold(&here, dead_pid(), "10 minutes");
    let (code, _, stderr) = run(dir.path(), db.url(), &wait);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("which is dead: no such process runs on this host")
            && stderr.contains("`aurora-migrate lease break`"),
        "{stderr}"
    );
    let (code, stdout, _) = run(dir.path(), db.url(), &["lease", "show"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("held by runner ghost") && stdout.contains("which is dead"),
        "{stdout}"
    );
    let (code, stdout, stderr) = run(dir.path(), db.url(), &["lease", "break"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("broke the migration lease on alembic_version, held by runner ghost"),
        "{stdout}"
    );
    let (code, _, stderr) = run(dir.path(), db.url(), &wait);
    assert_eq!(code, Some(0), "{stderr}");

    // Not known to be dead: another host (its pid means nothing here), or a process that runs.
    for (host, pid) in [
        ("elsewhere", dead_pid()),
        (here.as_str(), std::process::id()),
    ] {
        hold(host, pid, "10 minutes");
        let (code, _, stderr) = run(dir.path(), db.url(), &wait);
        assert_eq!(code, Some(1));
        assert!(!stderr.contains("dead"), "{host} {pid}: {stderr}");
        let (code, stdout, stderr) = run(
            dir.path(),
            db.url(),
            &["lease", "break", "--format", "json"],
        );
        assert_eq!(code, Some(1), "{stderr}");
        assert!(
            stderr.contains("pass --force to break it anyway"),
            "{stderr}"
        );
        let error: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(error["error"]["code"], "lease_live");
        assert!(
            lease_row(&db).ends_with(" ghost"),
            "refused, and not broken"
        );
        let (code, stdout, stderr) = run(dir.path(), db.url(), &["lease", "break", "--force"]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(stdout.contains("broke the migration lease"), "{stdout}");
    }

    // Expired: freed without --force; then there is nothing to break.
    hold("elsewhere", 1, "-1 minute");
    let (code, stdout, _) = run(dir.path(), db.url(), &["lease", "show"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("has expired"), "{stdout}");
    let (code, stdout, _) = run(dir.path(), db.url(), &["lease", "break"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("broke the expired migration lease"),
        "{stdout}"
    );
    let (code, stdout, _) = run(dir.path(), db.url(), &["lease", "break"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("is free: nothing to break"), "{stdout}");
    // A database no lease runner has used, and SQLite, which has no lease.
    let (code, stdout, _) = run(dir.path(), &pg.url, &["lease", "show"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("is free"), "{stdout}");
    let sqlite = SqliteDb::new();
    let (code, _, stderr) = run(dir.path(), &sqlite.url, &["lease", "break"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("SQLite is locked through its database file"),
        "{stderr}"
    );
}

#[test]
fn a_broken_lease_is_fenced_off_when_its_holder_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = PgDb::new();
    db.query("CREATE TABLE applied (revision VARCHAR(32) NOT NULL)");
    let catalog = catalog("lease");
    let upgrade = || {
        let options = Options::default().with_lock(Lock::Lease {
            duration: Duration::from_secs(60),
        });
        let runner = Runner::new(&catalog, DatabaseUrl::parse(&db.url).unwrap(), options).unwrap();
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(runner.upgrade(&Target::Head, &mut |_| {}))
            .map(|run| run.current)
    };
    std::thread::scope(|scope| {
        let first = scope.spawn(upgrade);
        // l1 committed: the first runner is inside l2, which sleeps two seconds.
        let deadline = Instant::now() + Duration::from_secs(60);
        while db.query("SELECT count(*)::text FROM applied") != ["1"] {
            assert!(
                Instant::now() < deadline,
                "the first runner never committed l1"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let (code, stdout, stderr) = run(dir.path(), &db.url, &["lease", "break", "--force"]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(stdout.contains("broke the migration lease"), "{stdout}");
        // The next runner does not wait out the first one's minute.
        let started = Instant::now();
        assert_eq!(upgrade().expect("the next runner"), ["l3"]);
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{:?}",
            started.elapsed()
        );
        let came_back = first.join().unwrap();
        assert!(
            came_back.is_err(),
            "the first runner kept going: {came_back:?}"
        );
    });
    assert_eq!(
        db.query("SELECT revision FROM applied ORDER BY revision"),
        ["l1", "l2", "l3"],
        "each migration applied once"
    );
}
