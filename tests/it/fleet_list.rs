//! A fleet's list means what it shows, its command is bounded, and its exit code is the
//! table's: an editor's byte-order mark is not part of a name; an invisible character, an
//! empty variable, a URL naming no database, one database under two names and PostgreSQL's own
//! schemas are refused before any database is touched; `--targets-cmd` is stopped, with what
//! it started, by its time limit or a signal; and a guarded downgrade in production exits 2.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{PgDb, SqliteDb, cli, texts};

const HEAD: &str = "8d1e6b0f2a57";

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = cli(dir).env("EMPTY", "").args(args).output().unwrap();
    let (stdout, stderr) = texts(&output);
    (output.status.code(), stdout, stderr)
}

fn names(stdout: &str) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(stdout).unwrap();
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_name() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (SqliteDb::new(), SqliteDb::new());
    let file = dir.path().join("fleet.txt");
    std::fs::write(&file, format!("\u{feff}a = {}\r\nb = {}\r\n", a.url, b.url)).unwrap();
    let file = file.display().to_string();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["upgrade", "--targets", &file, "--format", "json"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(names(&stdout), ["a", "b"]);
    // The same from a command's output.
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "current",
            "--targets-cmd",
            &format!("printf '\\357\\273\\277'; tail -c +4 {file}"),
            "--format",
            "json",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(names(&stdout), ["a", "b"]);
}

#[test]
fn what_would_change_which_database_a_line_names_is_refused_before_any_runs() {
    let dir = tempfile::tempdir().unwrap();
    let pg = PgDb::new();
    let sqlite = SqliteDb::new();
    let path = sqlite.url.strip_prefix("sqlite://").unwrap().to_string();
    let (directory, file) = path.rsplit_once('/').unwrap();
    let server = pg.url.strip_prefix("postgres://postgres@").unwrap();
    let cases = [
        (
            format!("a\u{200b} = {}", pg.url),
            "invisible character (U+200B)",
        ),
        (
            format!("a = {}\nb = sqlite://{directory}/./{file}", sqlite.url),
            "`b` is the same database as `a` (line 1)",
        ),
        (
            format!(
                "a = {}\nb = postgresql://someone:pw@{}",
                pg.url,
                server.replacen(":5432/", "/", 1)
            ),
            "`b` is the same database as `a` (line 1)",
        ),
        (
            format!("a = {} schema=t1\nb = {} schema=t1", pg.url, pg.url),
            "`b` is the same database as `a` (line 1)",
        ),
        (
            "a = postgres://nobody_here@127.0.0.1/${EMPTY}".to_string(),
            "names ${EMPTY}, which the environment sets to an empty value",
        ),
        (
            pg.url.replacen("postgres@", "postgres:${EMPTY}@", 1),
            "names ${EMPTY}, which the environment sets to an empty value",
        ),
        (
            "a = postgres://nobody_here@127.0.0.1".to_string(),
            "the URL names no database",
        ),
        (
            format!("a = {} schema=information_schema", pg.url),
            "one of PostgreSQL's own schemas",
        ),
        (
            format!("a = {} schema=pg_catalog", pg.url),
            "one of PostgreSQL's own schemas",
        ),
        (
            format!("a = {} schema=pg_toast", pg.url),
            "one of PostgreSQL's own schemas",
        ),
        (
            format!("a = {} schema=PG_TEMP_1", pg.url),
            "one of PostgreSQL's own schemas",
        ),
    ];
    for (text, refusal) in cases {
        let list = dir.path().join("fleet.txt");
        std::fs::write(&list, &text).unwrap();
        let (code, _, stderr) = run(
            dir.path(),
            &["upgrade", "--targets", &list.display().to_string()],
        );
        assert_eq!(code, Some(2), "{text:?}: {stderr}");
        assert!(
            stderr.contains("of the targets") && stderr.contains(refusal),
            "{text:?}: {stderr}"
        );
    }
    assert_eq!(
        pg.query(
            "SELECT nspname::text FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid \
                  WHERE c.relname = 'alembic_version'"
        ),
        Vec::<String>::new(),
        "no database was touched"
    );
    assert!(!Path::new(&path).exists(), "no database was touched");
}

/// Whether a `sleep SECONDS` process is running (its own command line, not one that names it).
fn running(seconds: &str) -> bool {
    let wanted = format!("sleep\0{seconds}\0");
    std::fs::read_dir("/proc").unwrap().flatten().any(|entry| {
        std::fs::read(entry.path().join("cmdline")).is_ok_and(|line| line == wanted.as_bytes())
    })
}

#[test]
fn a_targets_command_is_stopped_with_what_it_started_by_its_time_limit_or_a_signal() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "upgrade",
            "--targets-cmd",
            "sleep 31.25 | cat",
            "--targets-cmd-timeout",
            "1s",
        ],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("did not finish within 1s and was stopped"),
        "{stderr}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(!running("31.25"), "the command's pipeline was left running");

    for (signal, number) in [("-TERM", 15), ("-INT", 2)] {
        let child = cli(dir.path())
            .args(["upgrade", "--targets-cmd", "sleep 32.5; echo sqlite://x.db"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !running("32.5") {
            assert!(
                Instant::now() < deadline,
                "the targets command never started"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let signalled = Instant::now();
        Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        let output = child.wait_with_output().unwrap();
        let (_, stderr) = texts(&output);
        assert_eq!(
            output.status.code(),
            Some(128 + number),
            "{signal}: {stderr}"
        );
        assert!(
            signalled.elapsed() < Duration::from_secs(5),
            "{:?}",
            signalled.elapsed()
        );
        assert!(
            stderr.contains(&format!(
                "stopped by signal {number} while the targets command ran"
            )),
            "{stderr}"
        );
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            !running("32.5"),
            "{signal}: the targets command was left running"
        );
        assert!(!dir.path().join("x.db").exists());
    }
}

#[test]
fn a_guarded_downgrade_on_a_fleet_in_production_exits_as_on_one_database() {
    let dir = tempfile::tempdir().unwrap();
    let dbs = [SqliteDb::new(), SqliteDb::new()];
    for db in &dbs {
        run(dir.path(), &["upgrade", "--database-url", &db.url]);
    }
    let file = dir.path().join("fleet.txt");
    std::fs::write(&file, format!("a = {}\nb = {}\n", dbs[0].url, dbs[1].url)).unwrap();
    let file = file.display().to_string();
    // One database: exit 2, as the README's table says.
    let (code, _, _) = run(
        dir.path(),
        &[
            "--env",
            "production",
            "downgrade",
            "base",
            "--database-url",
            &dbs[0].url,
        ],
    );
    assert_eq!(code, Some(2));
    for mode in ["stop", "continue"] {
        let (code, stdout, stderr) = run(
            dir.path(),
            &[
                "--env",
                "production",
                "downgrade",
                "base",
                "--targets",
                &file,
                "--on-error",
                mode,
            ],
        );
        assert_eq!(code, Some(2), "{mode}: {stdout}{stderr}");
        assert!(
            stdout.contains("a: failed") && stdout.contains("needs --yes to confirm"),
            "{stdout}"
        );
        assert!(
            stderr.contains("run again with --yes to confirm"),
            "{stderr}"
        );
    }
    for db in &dbs {
        assert_eq!(
            db.query("SELECT version_num FROM alembic_version"),
            [HEAD],
            "nothing changed"
        );
    }
    // A refusal beside another failure is a failure.
    std::fs::write(
        dir.path().join("mixed.txt"),
        format!(
            "a = {}\ndown = postgres://postgres@127.0.0.1:9/none?connect_timeout=1\n",
            dbs[0].url
        ),
    )
    .unwrap();
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "--env",
            "production",
            "downgrade",
            "base",
            "--targets",
            "mixed.txt",
            "--on-error",
            "continue",
        ],
    );
    assert_eq!(code, Some(1), "{stderr}");
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "--env",
            "production",
            "downgrade",
            "base",
            "--targets",
            &file,
            "--yes",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn a_dotenv_file_reaches_the_targets_list_and_the_targets_command() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (SqliteDb::new(), SqliteDb::new());
    std::fs::write(
        dir.path().join(".env"),
        format!(
            "FLEET_A={}\nFLEET_B={}\nJOB_COMPLETION_INDEX=1\n",
            a.url, b.url
        ),
    )
    .unwrap();
    let file = dir.path().join("fleet.txt");
    std::fs::write(&file, "a = ${FLEET_A}\n").unwrap();
    let file = file.display().to_string();
    let (code, stdout, stderr) = run(
        dir.path(),
        &["current", "--targets", &file, "--format", "json"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(names(&stdout), ["a"]);
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "current",
            "--targets-cmd",
            "echo \"b = $FLEET_B\"; echo 'c = ${FLEET_A}'",
            "--shard-from-env",
            "2",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(names(&stdout), ["b"]);
}
