//! What a fleet records and reports: the state file is checked before the first database, and
//! `--resume` needs one; a database that failed or was interrupted is reported with what it
//! kept, read back from it; `status` gives each database's state; and a wait for a lock names
//! the database it is on.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aurora_migrate::version_table::Tables;

use crate::support::{MysqlDb, PgDb, SqliteDb, cli, texts};

const HEAD: &str = "8d1e6b0f2a57";
const FIRST: &str = "cec3a80e61a4";
const SECOND: &str = "3f2a9c1b7d4e";
const DOWN: &str = "down = postgres://postgres@127.0.0.1:9/none?connect_timeout=1";

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = cli(dir).args(args).output().unwrap();
    let (stdout, stderr) = texts(&output);
    (output.status.code(), stdout, stderr)
}

fn list(dir: &Path, name: &str, lines: &[String]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n")).unwrap();
    path.display().to_string()
}

/// The entries of a fleet's JSON document, by name.
fn entries(stdout: &str) -> serde_json::Map<String, serde_json::Value> {
    let report: serde_json::Value = serde_json::from_str(stdout).unwrap();
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap().to_string(), t.clone()))
        .collect()
}

#[test]
fn the_state_file_is_checked_before_the_first_database_and_resume_needs_one() {
    let dir = tempfile::tempdir().unwrap();
    let dbs = [SqliteDb::new(), SqliteDb::new()];
    let file = list(
        dir.path(),
        "fleet.txt",
        &[format!("a = {}", dbs[0].url), format!("b = {}", dbs[1].url)],
    );
    let untouched = || {
        dbs.iter()
            .all(|db| !Path::new(db.url.strip_prefix("sqlite://").unwrap()).exists())
    };
    for state in [
        dir.path().join("no/such/dir/state.jsonl"),
        dir.path().to_path_buf(),
        dir.path().join("fleet.txt/state.jsonl"),
    ] {
        let state = state.display().to_string();
        let (code, stdout, stderr) = run(
            dir.path(),
            &["upgrade", "--targets", &file, "--state", &state],
        );
        assert_eq!(code, Some(2), "{state}: {stdout}{stderr}");
        assert!(
            stderr.contains("the state file cannot be used")
                && stderr.contains("no database was touched"),
            "{stderr}"
        );
        assert!(untouched(), "{state}: a database was touched");
    }
    // --resume from a file that is not there would start the whole fleet over.
    let missing = dir.path().join("typo.jsonl").display().to_string();
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "upgrade",
            "--targets",
            &file,
            "--state",
            &missing,
            "--resume",
        ],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("does not exist, so there is no run to resume"),
        "{stderr}"
    );
    assert!(untouched() && !Path::new(&missing).exists());
    // A file that records only other runs resumes nothing, and says so.
    let state = dir.path().join("state.jsonl").display().to_string();
    let (code, _, _) = run(
        dir.path(),
        &["current", "--targets", &file, "--state", &state],
    );
    assert_eq!(code, Some(0));
    let (code, _, stderr) = run(
        dir.path(),
        &["upgrade", "--targets", &file, "--state", &state, "--resume"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr
            .contains("records none of these databases as done by `upgrade head`; every one runs"),
        "{stderr}"
    );
}

/// A session that holds `CREATE TYPE chain_status` uncommitted, so the third migration's own
/// waits for it; killed when dropped.
struct HeldType(Child);

impl HeldType {
    fn start(db: &PgDb) -> HeldType {
        let child = Command::new("psql")
            .args(["-X", "-q", "-d", &db.url, "-c"])
            .arg("BEGIN; CREATE TYPE chain_status AS ENUM ('held'); SELECT pg_sleep(60);")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let sleeping = "SELECT count(*)::text FROM pg_stat_activity \
                        WHERE wait_event = 'PgSleep' AND datname = current_database()";
        while db.query(sleeping) == ["0"] {
            assert!(Instant::now() < deadline, "psql never held the type");
            std::thread::sleep(Duration::from_millis(20));
        }
        HeldType(child)
    }
}

impl Drop for HeldType {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The version table's rows, or nothing while it does not exist.
fn version(db: &PgDb) -> Vec<String> {
    match db
        .query("SELECT coalesce(to_regclass('alembic_version')::text, '')")
        .as_slice()
    {
        [table] if table.is_empty() => Vec::new(),
        _ => db.query("SELECT version_num FROM alembic_version"),
    }
}

#[test]
fn a_failed_or_interrupted_database_reports_what_it_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (failing, interrupted, fine) = (PgDb::new(), PgDb::new(), SqliteDb::new());
    // The third migration creates this type: it fails there, after the first two.
    failing.query("CREATE TYPE chain_status AS ENUM ('in the way')");
    let file = list(
        dir.path(),
        "fleet.txt",
        &[
            format!("failing = {}", failing.url),
            DOWN.to_string(),
            format!("fine = {}", fine.url),
        ],
    );
    let state = dir.path().join("state.jsonl").display().to_string();
    let (code, stdout, _) = run(
        dir.path(),
        &[
            "upgrade",
            "--targets",
            &file,
            "--on-error",
            "continue",
            "--state",
            &state,
            "--format",
            "json",
        ],
    );
    assert_eq!(code, Some(1), "{stdout}");
    let report = entries(&stdout);
    let recorded: serde_json::Value = std::fs::read_to_string(&state)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|l| l["name"] == "failing")
        .unwrap();
    for entry in [&report["failing"], &recorded] {
        assert_eq!(entry["outcome"], "failed", "{entry}");
        assert_eq!(entry["changed"], 2, "two migrations kept: {entry}");
        assert_eq!(entry["current"], serde_json::json!([SECOND]), "{entry}");
        assert_eq!(entry["state"], "behind", "{entry}");
    }
    assert_eq!(version(&failing), [SECOND]);
    // Never reached: what it holds is not known, and not guessed.
    assert_eq!(
        report["down"]["current"],
        serde_json::Value::Null,
        "{}",
        report["down"]
    );
    assert_eq!(report["fine"]["current"], serde_json::json!([HEAD]));

    // Interrupted inside the third migration, which waits for a lock: the first two stay,
    // and the state file says so.
    let held = HeldType::start(&interrupted);
    let file = list(
        dir.path(),
        "one.txt",
        &[format!("interrupted = {}", interrupted.url)],
    );
    let state = dir.path().join("interrupted.jsonl").display().to_string();
    let child = cli(dir.path())
        .args(["upgrade", "--targets", &file, "--state", &state])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while version(&interrupted) != [SECOND] {
        assert!(
            Instant::now() < deadline,
            "the first two migrations never committed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let signal = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signal.success());
    let output = child.wait_with_output().unwrap();
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(130), "{stdout}{stderr}");
    drop(held);
    let line: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&state).unwrap().trim()).unwrap();
    assert_eq!(line["outcome"], "failed", "{line}");
    assert_eq!(line["changed"], 2, "{line}");
    assert_eq!(line["current"], serde_json::json!([SECOND]), "{line}");
    assert_eq!(version(&interrupted), [SECOND]);
}

#[test]
fn status_on_a_fleet_gives_each_database_its_state() {
    let dir = tempfile::tempdir().unwrap();
    let (at_heads, behind, fresh) = (SqliteDb::new(), PgDb::new(), SqliteDb::new());
    run(dir.path(), &["upgrade", "--database-url", &at_heads.url]);
    run(
        dir.path(),
        &["upgrade", FIRST, "--database-url", &behind.url],
    );
    let file = list(
        dir.path(),
        "fleet.txt",
        &[
            format!("at_heads = {}", at_heads.url),
            format!("behind = {}", behind.url),
            format!("fresh = {}", fresh.url),
            DOWN.to_string(),
        ],
    );
    for command in ["status", "current", "check"] {
        let (_, stdout, stderr) = run(
            dir.path(),
            &[command, "--targets", &file, "--format", "json"],
        );
        let report = entries(&stdout);
        let seen: Vec<(String, String, String)> = report
            .iter()
            .map(|(name, e)| {
                (
                    name.clone(),
                    e["state"].to_string(),
                    e["current"].to_string(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "at_heads".into(),
                    "\"at_heads\"".into(),
                    format!("[\"{HEAD}\"]")
                ),
                (
                    "behind".into(),
                    "\"behind\"".into(),
                    format!("[\"{FIRST}\"]")
                ),
                ("down".into(), "null".into(), "null".into()),
                ("fresh".into(), "\"behind\"".into(), "[]".into()),
            ],
            "{command}: {stderr}"
        );
    }
}

/// A client process holding a lock until it is dropped.
struct Holder(Child);

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_wait_for_a_lock_names_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let (pg, maria, leased) = (PgDb::new(), MysqlDb::new(), PgDb::new());
    let key = Tables::new("alembic_version").unwrap().lock_key();
    let _pg_lock = Holder(
        Command::new("psql")
            .args(["-X", "-q", "-d", &pg.url, "-c"])
            .arg(format!(
                "SELECT pg_advisory_lock({key}); SELECT pg_sleep(60);"
            ))
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let name: String = format!("aurora-migrate:{key:x}:{}", maria.name)
        .chars()
        .take(64)
        .collect();
    let server = url::Url::parse(&maria.url).unwrap();
    let _maria_lock = Holder(
        Command::new("mariadb")
            .args(["-h", server.host_str().unwrap(), "-u", server.username()])
            .arg(format!("-P{}", server.port().unwrap_or(3306)))
            .args([
                "-e",
                &format!("SELECT GET_LOCK('{name}', 5); SELECT SLEEP(60);"),
            ])
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // A live lease, which a runner with the advisory lock waits for too.
    run(
        dir.path(),
        &["upgrade", "--lock", "lease", "--database-url", &leased.url],
    );
    leased.query(
        "UPDATE alembic_version_aurora_lease SET holder = 'other', host = 'elsewhere', pid = 1, \
         expires_at = now() + interval '10 minutes'",
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let advisory = "SELECT count(*)::text FROM pg_locks WHERE locktype = 'advisory' \
                    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
    while pg.query(advisory) == ["0"]
        || maria.query(&format!(
            "SELECT CAST(IS_USED_LOCK('{name}') IS NOT NULL AS CHAR)"
        )) != ["1"]
    {
        assert!(Instant::now() < deadline, "the locks were never held");
        std::thread::sleep(Duration::from_millis(20));
    }
    let file = list(
        dir.path(),
        "fleet.txt",
        &[
            format!("tenant_pg = {}", pg.url),
            format!("tenant_maria = {}", maria.url),
            format!("tenant_leased = {}", leased.url),
        ],
    );
    let (code, _, stderr) = run(
        dir.path(),
        &["upgrade", "--targets", &file, "--lock-timeout", "1s"],
    );
    assert_eq!(code, Some(1), "{stderr}");
    for (database, waiting) in [
        (
            "tenant_pg",
            "another runner holds the migration lock for alembic_version; waiting",
        ),
        (
            "tenant_maria",
            "another runner holds the migration lock for alembic_version; waiting",
        ),
        (
            "tenant_leased",
            "a runner with the lease lock holds the migration lease for alembic_version; waiting",
        ),
    ] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(&format!("name={database}")) && l.contains(waiting)),
            "{database}: {stderr}"
        );
    }
}
