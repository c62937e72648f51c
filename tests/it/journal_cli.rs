//! The step journal as the command line shows it and repairs it: `status` and `current` name
//! the statement where a stopped migration stands and what the catalog says of it, and
//! `repair` shows its change, asks, refuses production without `--yes`, and leaves the audit
//! row. On MariaDB, where every migration keeps the journal, with the project's migrations.

use crate::support::{MysqlDb, cli, texts};

const REVISION: &str = "8d1e6b0f2a57";
const FILE_LINE: &str = "migrations/8d1e6b0f2a57_replace_chains_is_active_by_status.sql:22";

fn run(db: &MysqlDb, dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = cli(dir)
        .args(["--database-url", &db.url])
        .args(args)
        .output()
        .expect("run");
    let (stdout, stderr) = texts(&output);
    (output.status.code(), stdout, stderr)
}

/// Stops the upgrade of 8d1e6b0f2a57 after its first statement (`ADD COLUMN status`) ran and
/// before its `done` row: a failed journal write, as a lost connection would leave it.
fn stopped_after_its_first_statement(db: &MysqlDb, dir: &std::path::Path) {
    assert_eq!(run(db, dir, &["upgrade", "3f2a9c1b7d4e"]).0, Some(0));
    mariadb(
        db,
        "DELIMITER //\n\
         CREATE TRIGGER stop_done BEFORE UPDATE ON alembic_version_aurora_steps FOR EACH ROW \
         BEGIN IF NEW.state = 'done' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'stopped here'; END IF; END//\n\
         DELIMITER ;\n",
    );
    let (code, _, stderr) = run(db, dir, &["upgrade"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("the statement ran, but its row in the step journal could not be written"),
        "{stderr}"
    );
    db.query("DROP TRIGGER stop_done");
}

/// Runs `script` with the `mariadb` client, which reads `DELIMITER`.
fn mariadb(db: &MysqlDb, script: &str) {
    use std::io::Write;
    let url = url::Url::parse(&db.url).expect("url");
    let mut child = std::process::Command::new("mariadb")
        .args(["-h", url.host_str().expect("host"), "-u", url.username()])
        .arg(format!("-P{}", url.port().unwrap_or(3306)))
        .arg(&db.name)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("mariadb");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("script");
    assert!(child.wait().expect("mariadb").success());
}

fn journal(db: &MysqlDb) -> Vec<String> {
    db.query("SELECT CONCAT(step, ' ', state, ' ', COALESCE(note, '-')) FROM alembic_version_aurora_steps ORDER BY step")
}

#[test]
fn status_and_current_name_the_statement_and_what_the_catalog_says() {
    let db = MysqlDb::new();
    let dir = tempfile::tempdir().expect("dir");
    stopped_after_its_first_statement(&db, dir.path());

    let (code, stdout, _) = run(&db, dir.path(), &["status"]);
    assert_eq!(code, Some(1));
    let line = format!(
        "upgrade of {REVISION} stopped part-way: it continues at statement 1 of 3 ({FILE_LINE}); it was running when the run stopped, and took effect: the catalog shows its effect: the column chains.status exists"
    );
    assert!(stdout.contains(&line), "{stdout}");
    assert!(stdout.contains("state: unfinished"), "{stdout}");
    let (_, current, _) = run(&db, dir.path(), &["current"]);
    assert!(current.contains(&line), "{current}");

    let (_, json, _) = run(&db, dir.path(), &["status", "--format", "json"]);
    let document: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(document["state"], "unfinished");
    let unfinished = &document["unfinished"][0];
    assert_eq!(unfinished["revision"], REVISION);
    assert_eq!(unfinished["step"], 1);
    assert_eq!(unfinished["count"], 3);
    assert_eq!(unfinished["location"], FILE_LINE);
    assert_eq!(unfinished["state"], "started");
    assert_eq!(unfinished["checked"], "took_effect");

    // The next run takes the check's word: the column is not added twice.
    let (code, _, stderr) = run(&db, dir.path(), &["upgrade"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(journal(&db).is_empty());
    let (code, stdout, _) = run(&db, dir.path(), &["status"]);
    assert_eq!(code, Some(0), "{stdout}");
}

#[test]
fn repair_shows_its_change_asks_and_keeps_who_and_why() {
    let db = MysqlDb::new();
    let dir = tempfile::tempdir().expect("dir");
    stopped_after_its_first_statement(&db, dir.path());
    let before = journal(&db);
    let reason = "checked by hand: chains.status is there";
    let repair = |extra: &[&str]| {
        let mut args = vec!["repair", "mark-done", REVISION, "--reason", reason];
        args.extend(extra);
        run(&db, dir.path(), &args)
    };

    let (code, stdout, stderr) = repair(&["--dry-run"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("statement 1 ({FILE_LINE}): started -> done")),
        "{stderr}"
    );
    assert!(stdout.contains("dry run: nothing was changed"), "{stdout}");
    assert_eq!(journal(&db), before);

    let (code, _, stderr) = repair(&[]);
    assert_eq!(code, Some(2), "no terminal, no --yes: {stderr}");
    assert!(stderr.contains("repair needs confirmation"), "{stderr}");
    let production = cli(dir.path())
        .args(["--database-url", &db.url, "--env", "production"])
        .args(["repair", "mark-done", REVISION, "--reason", reason])
        .output()
        .expect("run");
    assert_eq!(
        production.status.code(),
        Some(2),
        "{}",
        texts(&production).1
    );
    assert!(texts(&production).1.contains("needs --yes"));
    assert_eq!(journal(&db), before, "nothing was changed");

    let (code, json, stderr) = repair(&["--yes", "--format", "json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let document: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(document["applied"], true);
    assert_eq!(document["changes"][0]["before"], "started");
    assert_eq!(document["changes"][0]["after"], "done");
    let rows = journal(&db);
    assert!(
        rows[0].starts_with("0 done mark-done by ") && rows[0].ends_with(reason),
        "{rows:?}"
    );
    assert_eq!(
        db.query("SELECT CONCAT(revision, ' ', direction, ' ', step, ' ', action, ' ', reason) FROM alembic_version_aurora_audit"),
        [format!("{REVISION} upgrade 0 mark-done {reason}")]
    );
    let (code, _, stderr) = run(&db, dir.path(), &["upgrade"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        db.query("SELECT COUNT(*) FROM alembic_version_aurora_audit"),
        ["1"],
        "the audit outlives the journal"
    );
}
