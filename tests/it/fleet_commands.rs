//! A fleet beyond `upgrade`: `status`, `current`, `check`, `downgrade`, `stamp` and `reset`
//! take `--targets` too; tenants in PostgreSQL schemas of one database are a fleet; SIGINT
//! starts no new database, and the state file lets the run resume; a terminal shows a
//! progress bar.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use crate::support::{PgDb, SqliteDb, cli, texts};

const HEAD: &str = "8d1e6b0f2a57";
const FIRST: &str = "cec3a80e61a4";

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = cli(dir).args(args).output().unwrap();
    let (stdout, stderr) = texts(&output);
    (output.status.code(), stdout, stderr)
}

fn list(dir: &Path, lines: &[String]) -> String {
    let path = dir.join("fleet.txt");
    std::fs::write(&path, lines.join("\n")).unwrap();
    path.display().to_string()
}

#[test]
fn the_commands_that_read_or_change_a_database_take_a_fleet() {
    let dir = tempfile::tempdir().unwrap();
    let (ahead, behind, fresh) = (SqliteDb::new(), SqliteDb::new(), SqliteDb::new());
    let pg = PgDb::new();
    run(dir.path(), &["upgrade", "--database-url", &ahead.url]);
    run(
        dir.path(),
        &["upgrade", FIRST, "--database-url", &behind.url],
    );
    let file = list(
        dir.path(),
        &[
            format!("a = {}", ahead.url),
            format!("b = {}", behind.url),
            format!("c = {}", fresh.url),
            format!("p = {}", pg.url),
        ],
    );

    let (code, stdout, _) = run(dir.path(), &["status", "--targets", &file]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains(&format!("a: ok, at {HEAD}")), "{stdout}");
    assert!(
        stdout.contains("b: failed") && stdout.contains("behind: 2 pending"),
        "{stdout}"
    );
    assert!(
        stdout.contains("fleet: 1 of 4 database(s) at the heads, 3 failed, 0 skipped"),
        "{stdout}"
    );

    let (code, stdout, _) = run(
        dir.path(),
        &["current", "--targets", &file, "--format", "json"],
    );
    assert_eq!(code, Some(0), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let current: Vec<String> = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["current"].to_string())
        .collect();
    assert_eq!(
        current,
        [
            format!("[\"{HEAD}\"]"),
            format!("[\"{FIRST}\"]"),
            "[]".into(),
            "[]".into()
        ]
    );

    let (code, stdout, stderr) = run(dir.path(), &["upgrade", "--targets", &file]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stdout_check, stderr) = run(dir.path(), &["check", "--targets", &file]);
    assert_eq!(code, Some(0), "{stdout}{stdout_check}{stderr}");
    assert!(
        stdout_check.contains("fleet: 4 of 4 database(s) passed the check"),
        "{stdout_check}"
    );

    let (code, stdout, stderr) = run(dir.path(), &["downgrade", "-1", "--targets", &file]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("p: ok, 1 reverted, at 3f2a9c1b7d4e"),
        "{stdout}"
    );
    let (code, stdout, _) = run(dir.path(), &["check", "--targets", &file]);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("1 migration(s) not applied"), "{stdout}");

    let (code, stdout, stderr) = run(dir.path(), &["stamp", "head", "--targets", &file]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains(&format!("c: ok, stamped {HEAD}")),
        "{stdout}"
    );
    assert_eq!(pg.query("SELECT version_num FROM alembic_version"), [HEAD]);

    // A state file keeps each run's command and target: `current` finishing every database
    // does not let `upgrade --resume` leave them out.
    let state = dir.path().join("state.jsonl").display().to_string();
    let (code, _, _) = run(
        dir.path(),
        &["current", "--targets", &file, "--state", &state],
    );
    assert_eq!(code, Some(0));
    let (code, stdout, stderr) = run(
        dir.path(),
        &["upgrade", "--targets", &file, "--state", &state, "--resume"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("resuming"), "{stderr}");
    assert!(
        stdout.contains("fleet: 4 of 4 database(s) upgraded"),
        "{stdout}"
    );
    // Fleet flags without a fleet are refused, not ignored.
    let (code, _, stderr) = run(dir.path(), &["upgrade", "--parallel", "3"]);
    assert_eq!(code, Some(2), "{stderr}");

    let (code, _, stderr) = run(dir.path(), &["reset", "--targets", &file]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("pass --yes to confirm; nothing was changed"),
        "{stderr}"
    );
    let (code, _, stderr) = run(dir.path(), &["upgrade", "--sql", "--targets", &file]);
    assert_eq!(code, Some(2), "{stderr}");
}

#[test]
fn tenants_in_postgresql_schemas_of_one_database_are_a_fleet() {
    let dir = tempfile::tempdir().unwrap();
    let db = PgDb::new();
    let tenants: Vec<String> = (0..30)
        .map(|i| format!("tenant{i} = {} schema=tenant_{i}", db.url))
        .collect();
    // A third of them start at the first revision.
    let early: Vec<String> = tenants.iter().step_by(3).cloned().collect();
    let (code, _, stderr) = run(
        dir.path(),
        &["upgrade", FIRST, "--targets", &list(dir.path(), &early)],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let file = list(dir.path(), &tenants);
    let (code, stdout, stderr) = run(
        dir.path(),
        &["upgrade", "--targets", &file, "--parallel", "8"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("tenant0: ok, 2 applied"), "{stdout}");
    assert!(stdout.contains("tenant1: ok, 3 applied"), "{stdout}");
    // Each schema holds its tables, its own version table and log; public holds nothing.
    assert_eq!(
        db.query(
            "SELECT count(*)::text FROM pg_tables WHERE schemaname LIKE 'tenant\\_%' AND tablename = 'chains'"
        ),
        ["30"]
    );
    assert_eq!(
        db.query("SELECT version_num FROM tenant_17.alembic_version"),
        [HEAD]
    );
    assert_eq!(
        db.query("SELECT count(*)::text FROM tenant_17.alembic_version_aurora_log"),
        ["3"]
    );
    assert_eq!(
        db.query("SELECT count(*)::text FROM pg_tables WHERE schemaname = 'public'"),
        ["0"]
    );
    let (code, stdout, _) = run(dir.path(), &["status", "--targets", &file]);
    assert_eq!(code, Some(0), "{stdout}");
    // A tenant keeps its bookkeeping in its schema: a version table elsewhere is refused.
    let (code, stdout, _) = run(
        dir.path(),
        &["current", "--targets", &file, "--version-table", "ops.av"],
    );
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("this database is a tenant in schema `tenant_0`"),
        "{stdout}"
    );

    let (code, _, stderr) = run(
        dir.path(),
        &[
            "upgrade",
            "--targets",
            &list(dir.path(), &["x = sqlite:///tmp/x.db schema=t".into()]),
        ],
    );
    assert_eq!(code, Some(2));
    assert!(
        stderr
            .contains("line 1 of the targets: a schema per tenant (schema=NAME) is for PostgreSQL"),
        "{stderr}"
    );
}

#[test]
fn sigint_starts_no_new_database_and_the_state_file_resumes_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let dbs: Vec<SqliteDb> = (0..120).map(|_| SqliteDb::new()).collect();
    let lines: Vec<String> = dbs
        .iter()
        .enumerate()
        .map(|(i, db)| format!("d{i} = {}", db.url))
        .collect();
    let file = list(dir.path(), &lines);
    let state = dir.path().join("state.jsonl").display().to_string();
    let mut child = cli(dir.path())
        .args([
            "upgrade",
            "--targets",
            &file,
            "--parallel",
            "2",
            "--state",
            &state,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    while seen.matches(": ok, 3 applied").count() < 5 {
        assert!(stdout.read_line(&mut seen).unwrap() > 0, "{seen}");
    }
    let signal = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signal.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{seen}{rest}{stderr}");
    assert!(stderr.contains("stopped by signal 2"), "{stderr}");
    let recorded = std::fs::read_to_string(&state).unwrap();
    let done = recorded
        .lines()
        .filter(|l| l.contains("\"outcome\":\"done\""))
        .count();
    let skipped = recorded
        .lines()
        .filter(|l| l.contains("\"outcome\":\"skipped\""))
        .count();
    assert_eq!(recorded.lines().count(), 120, "every database recorded");
    assert!(done >= 5 && skipped > 0, "{done} done, {skipped} skipped");

    let (code, stdout, stderr) = run(
        dir.path(),
        &["upgrade", "--targets", &file, "--state", &state, "--resume"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "resuming: {done} database(s) the state file records as done"
        )),
        "{stderr}"
    );
    assert!(
        stdout.contains(&format!(
            "fleet: {} of {} database(s) upgraded",
            120 - done,
            120 - done
        )),
        "{stdout}"
    );
    for db in &dbs {
        assert_eq!(db.query("SELECT version_num FROM alembic_version"), [HEAD]);
    }
}

#[test]
fn on_a_terminal_a_progress_bar_counts_the_databases() {
    let dir = tempfile::tempdir().unwrap();
    let dbs: Vec<SqliteDb> = (0..20).map(|_| SqliteDb::new()).collect();
    let lines: Vec<String> = dbs.iter().map(|db| db.url.clone()).collect();
    let file = list(dir.path(), &lines);
    // `script` gives the command a terminal; its output is what the terminal showed.
    let command = format!(
        "{} upgrade --targets {file} --parallel 1",
        env!("CARGO_BIN_EXE_aurora-migrate")
    );
    let output = std::process::Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .current_dir(dir.path())
        .output()
        .expect("script (util-linux) runs the command on a terminal");
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{shown}");
    assert!(
        shown.contains("/20 database(s)"),
        "no progress bar: {shown:?}"
    );
    assert!(
        shown.contains("fleet: 20 of 20 database(s) upgraded"),
        "{shown:?}"
    );
    // Off a terminal, plain lines only.
    let (_, _, stderr) = run(dir.path(), &["upgrade", "--targets", &file]);
    assert!(!stderr.contains("/20 database(s)"), "{stderr}");
}
