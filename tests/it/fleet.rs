//! `upgrade --targets`: 200 SQLite databases and 20 PostgreSQL ones at mixed revisions reach
//! head in one run; broken targets (an unreachable server, a changed checksum) fail alone
//! with `--on-error continue` and stop the rest with `--on-error stop`; a failed canary stops
//! the fleet; the list comes from a file or a command, passwords from the environment.

use std::path::Path;

use crate::support::{MysqlDb, PgDb, SqliteDb, cli, texts};

const HEAD: &str = "8d1e6b0f2a57";

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = cli(dir)
        .env("AURORA_FLEET_PW", "s3cret-pw")
        .args(args)
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    (output.status.code(), stdout, stderr)
}

fn list(dir: &Path, name: &str, lines: &[String]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("# the fleet\n{}\n", lines.join("\n"))).unwrap();
    path.display().to_string()
}

#[test]
fn two_hundred_sqlite_and_twenty_postgresql_databases_reach_head_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite: Vec<SqliteDb> = (0..200).map(|_| SqliteDb::new()).collect();
    let pg: Vec<PgDb> = (0..20).map(|_| PgDb::new()).collect();
    // A third of them start at the first revision.
    let early: Vec<String> = sqlite.iter().step_by(3).map(|db| db.url.clone()).collect();
    let early_file = list(dir.path(), "early.txt", &early);
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "upgrade",
            "cec3a80e61a4",
            "--targets",
            &early_file,
            "--parallel",
            "8",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");

    let mut lines: Vec<String> = sqlite
        .iter()
        .enumerate()
        .map(|(i, db)| format!("tenant{i} = {}", db.url))
        .collect();
    lines.extend(pg.iter().enumerate().map(|(i, db)| {
        format!(
            "pg{i} = {}",
            db.url.replacen(
                "postgres://postgres@",
                "postgres://postgres:${AURORA_FLEET_PW}@",
                1
            )
        )
    }));
    let all = list(dir.path(), "all.txt", &lines);
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "upgrade",
            "--targets",
            &all,
            "--parallel",
            "6",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        !stdout.contains("s3cret-pw") && !stderr.contains("s3cret-pw"),
        "a password was printed"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["summary"]["done"], 220, "{}", report["summary"]);
    let targets = report["targets"].as_array().unwrap();
    for (i, entry) in targets.iter().enumerate() {
        assert_eq!(entry["outcome"], "done", "{entry}");
        assert_eq!(entry["current"][0], HEAD, "{entry}");
        let applied = entry["changed"].as_u64().unwrap();
        let expected = if i < 200 && i % 3 == 0 { 2 } else { 3 };
        assert_eq!(applied, expected, "{entry}");
    }
    assert_eq!(
        pg[7].query("SELECT version_num FROM alembic_version"),
        [HEAD]
    );

    // Run again: nothing to do anywhere, one line each and the summary.
    let (code, stdout, _) = run(dir.path(), &["upgrade", "--targets", &all]);
    assert_eq!(code, Some(0));
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.contains(": ok, 0 applied"))
            .count(),
        220,
        "{stdout}"
    );
    assert!(
        stdout.ends_with("fleet: 220 of 220 database(s) upgraded, 0 failed, 0 skipped\n"),
        "{stdout}"
    );
}

#[test]
fn broken_targets_fail_alone_or_stop_the_rest_and_a_failed_canary_stops_the_fleet() {
    let dir = tempfile::tempdir().unwrap();
    let dbs: Vec<SqliteDb> = (0..8).map(|_| SqliteDb::new()).collect();
    let mut lines: Vec<String> = dbs
        .iter()
        .enumerate()
        .map(|(i, db)| format!("t{i} = {}", db.url))
        .collect();
    // An unreachable server third, and a database whose applied file "changed" sixth.
    lines.insert(
        2,
        "down = postgres://postgres@127.0.0.1:9/none?connect_timeout=1".to_string(),
    );
    let changed = &dbs[4];
    let (code, _, stderr) = run(dir.path(), &["upgrade", "--database-url", &changed.url]);
    assert_eq!(code, Some(0), "{stderr}");
    changed.query("UPDATE alembic_version_aurora_log SET checksum = 'altered' WHERE revision = 'cec3a80e61a4'");
    // A MariaDB database left dirty by a migration that stopped half-way, last.
    let dirty = MysqlDb::new();
    let (code, _, stderr) = run(
        dir.path(),
        &["upgrade", "cec3a80e61a4", "--database-url", &dirty.url],
    );
    assert_eq!(code, Some(0), "{stderr}");
    dirty.query("INSERT INTO alembic_version_aurora_dirty (revision, direction) VALUES ('3f2a9c1b7d4e', 'upgrade')");
    lines.push(format!("dirty = {}", dirty.url));
    let file = list(dir.path(), "fleet.txt", &lines);

    let (code, stdout, _) = run(
        dir.path(),
        &[
            "upgrade",
            "--targets",
            &file,
            "--on-error",
            "continue",
            "--parallel",
            "3",
        ],
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("down: failed"), "{stdout}");
    assert!(
        stdout.contains("t4: failed") && stdout.contains("changed after it was applied"),
        "{stdout}"
    );
    assert!(
        stdout.contains("dirty: failed")
            && stdout.contains("the database is dirty at revision 3f2a9c1b7d4e"),
        "{stdout}"
    );
    assert!(
        stdout.contains("fleet: 7 of 10 database(s) upgraded, 3 failed, 0 skipped"),
        "{stdout}"
    );
    assert_eq!(
        dirty.query("SELECT version_num FROM alembic_version"),
        ["cec3a80e61a4"],
        "a dirty database is left as it was"
    );

    // Stop: one at a time, nothing after the failure starts.
    let fresh: Vec<SqliteDb> = (0..4).map(|_| SqliteDb::new()).collect();
    let mut lines: Vec<String> = fresh
        .iter()
        .enumerate()
        .map(|(i, db)| format!("f{i} = {}", db.url))
        .collect();
    lines.insert(
        1,
        "down = postgres://postgres@127.0.0.1:9/none?connect_timeout=1".to_string(),
    );
    let file = list(dir.path(), "stop.txt", &lines);
    let (code, stdout, _) = run(
        dir.path(),
        &["upgrade", "--targets", &file, "--parallel", "1"],
    );
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("f0: ok, 3 applied")
            && stdout.contains("f1: skipped")
            && stdout.contains("f3: skipped"),
        "{stdout}"
    );
    assert!(
        !Path::new(fresh[1].url.strip_prefix("sqlite://").unwrap()).exists(),
        "a skipped database is not touched"
    );

    // A failed canary: the rest never start, even with --on-error continue.
    let mut lines: Vec<String> = fresh
        .iter()
        .enumerate()
        .map(|(i, db)| format!("c{i} = {}", db.url))
        .collect();
    lines.insert(
        0,
        "down = postgres://postgres@127.0.0.1:9/none?connect_timeout=1".to_string(),
    );
    let file = list(dir.path(), "canary.txt", &lines);
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "upgrade",
            "--targets",
            &file,
            "--canary",
            "2",
            "--on-error",
            "continue",
        ],
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stdout.contains("fleet: 1 of 5 database(s) upgraded, 1 failed, 3 skipped"),
        "{stdout}"
    );
}

#[test]
fn the_list_can_come_from_a_command_and_a_bad_one_is_refused_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = SqliteDb::new();
    let file = list(dir.path(), "one.txt", std::slice::from_ref(&db.url));
    let (code, stdout, stderr) = run(
        dir.path(),
        &["upgrade", "--targets-cmd", &format!("cat {file}")],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains(&format!("{}: ok, 3 applied", db.url)),
        "{stdout}"
    );

    let bad = list(
        dir.path(),
        "bad.txt",
        &[
            "a = sqlite:///tmp/x.db".into(),
            "a = sqlite:///tmp/y.db".into(),
        ],
    );
    let (code, _, stderr) = run(dir.path(), &["upgrade", "--targets", &bad]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("line 3 of the targets: the name `a` is given twice"),
        "{stderr}"
    );
    let (code, _, stderr) = run(dir.path(), &["upgrade", "--targets-cmd", "exit 3"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("the targets command failed"), "{stderr}");
}

#[test]
fn a_failed_run_is_resumed_from_its_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let dbs: Vec<SqliteDb> = (0..4).map(|_| SqliteDb::new()).collect();
    let mut lines: Vec<String> = dbs
        .iter()
        .enumerate()
        .map(|(i, db)| format!("r{i} = {}", db.url))
        .collect();
    lines.insert(
        1,
        "down = postgres://postgres@127.0.0.1:9/none?connect_timeout=1".to_string(),
    );
    let file = list(dir.path(), "fleet.txt", &lines);
    let state = dir.path().join("state.jsonl").display().to_string();
    let (code, stdout, _) = run(
        dir.path(),
        &[
            "upgrade",
            "--targets",
            &file,
            "--parallel",
            "1",
            "--state",
            &state,
        ],
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(&state).unwrap().lines().count(),
        5,
        "every database recorded"
    );

    // The broken target mended (left out of the list here), the run continues where it stopped.
    lines.remove(1);
    let file = list(dir.path(), "fleet.txt", &lines);
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "upgrade",
            "--targets",
            &file,
            "--state",
            &state,
            "--resume",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "resuming: 1 database(s) the state file records as done by `upgrade head` are left out"
        ),
        "{stderr}"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let names: Vec<&str> = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["r1", "r2", "r3"]);
    for db in &dbs {
        assert_eq!(db.query("SELECT version_num FROM alembic_version"), [HEAD]);
    }
}

#[test]
fn shards_take_stable_shares_of_the_fleet_from_a_flag_or_the_job_index() {
    let dir = tempfile::tempdir().unwrap();
    let dbs: Vec<SqliteDb> = (0..12).map(|_| SqliteDb::new()).collect();
    let lines: Vec<String> = dbs
        .iter()
        .enumerate()
        .map(|(i, db)| format!("s{i} = {}", db.url))
        .collect();
    let file = list(dir.path(), "fleet.txt", &lines);
    let mut seen = Vec::new();
    for k in 0..3 {
        let shard = format!("{k}/3");
        let (code, stdout, stderr) = run(
            dir.path(),
            &[
                "upgrade",
                "--targets",
                &file,
                "--shard",
                &shard,
                "--format",
                "json",
            ],
        );
        assert_eq!(code, Some(0), "{stderr}");
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let names: Vec<String> = report["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_string())
            .collect();
        // The indexed Job's pod k takes the very same share.
        let output = cli(dir.path())
            .env("JOB_COMPLETION_INDEX", k.to_string())
            .args([
                "upgrade",
                "--targets",
                &file,
                "--shard-from-env",
                "3",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let again: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let again: Vec<String> = again["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(again, names, "shard {k}");
        seen.extend(names);
    }
    seen.sort();
    let mut all: Vec<String> = (0..12).map(|i| format!("s{i}")).collect();
    all.sort();
    assert_eq!(seen, all, "the shards cover the fleet once");
    let (code, _, stderr) = run(
        dir.path(),
        &["upgrade", "--targets", &file, "--shard", "3/3"],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("shard 3 of 3 does not exist"), "{stderr}");
}
