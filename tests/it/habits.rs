//! The command line as people and scripts use it: one JSON document per run, a failure
//! included; results on stdout and progress on stderr; help with examples; `--version`;
//! completions; `status` for readiness probes.

use std::path::Path;

use crate::support::{SqliteDb, cli, texts};

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = cli(dir).args(args).output().expect("run");
    let (stdout, stderr) = texts(&output);
    (output.status.code(), stdout, stderr)
}

/// The whole of stdout as exactly one JSON document.
fn document(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not one JSON document ({e}): {stdout}"))
}

#[test]
fn every_failure_prints_one_json_error_document_and_keeps_its_exit_code() {
    let db = SqliteDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let url = db.url.as_str();
    assert_eq!(
        run(dir.path(), &["--database-url", url, "upgrade", "cec3"]).0,
        Some(0)
    );
    let cases: &[(&[&str], i32, &str)] = &[
        (&["--bogus"], 2, "usage"),
        (&["upgrade", "--transaction", "sometimes"], 2, "usage"),
        (&["--database-url", url, "upgrade", "nosuch"], 1, "target"),
        (&["--database-url", url, "downgrade", "-5"], 1, "target"),
        (
            &["--database-url", url, "history", "-r", "head:base"],
            1,
            "target",
        ),
        (
            &["--database-url", "postgres://u@127.0.0.1:1/db", "current"],
            1,
            "unreachable",
        ),
        (&["--database-url", "sqlite://", "upgrade"], 1, "url"),
        (&["--database-url", "oracle://h/db", "upgrade"], 1, "url"),
        (
            &["--database-url", url, "--version-table", "a;b", "upgrade"],
            1,
            "version_table",
        ),
        (
            &["--database-url", url, "reset"],
            2,
            "confirmation_required",
        ),
        (
            &["--database-url", url, "--env", "prod", "stamp", "head"],
            2,
            "confirmation_required",
        ),
        (&["create", ""], 1, "authoring"),
        (&["show", "base"], 1, "target"),
    ];
    for (args, code, expected) in cases {
        let (exit, stdout, stderr) = run(dir.path(), &[&["--format", "json"], *args].concat());
        assert_eq!(exit, Some(*code), "{args:?}: {stdout}{stderr}");
        let error = &document(&stdout)["error"];
        assert_eq!(error["code"], *expected, "{args:?}: {stdout}");
        assert_eq!(error["exit_code"], *code);
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(
            stderr.contains("error: "),
            "the message is on stderr too: {stderr}"
        );
        // In text, stdout stays empty.
        let (_, stdout, _) = run(dir.path(), args);
        assert_eq!(stdout, "", "{args:?}");
    }
    // A command whose document says what failed prints that one alone.
    for args in [&["status"][..], &["check"]] {
        let (exit, stdout, _) = run(
            dir.path(),
            &[&["--format", "json", "--database-url", url], args].concat(),
        );
        assert_eq!(exit, Some(1));
        let value = document(&stdout);
        assert!(value.get("error").is_none(), "{args:?}: {stdout}");
    }
}

#[test]
fn durations_in_json_are_rounded_to_hundredths() {
    let db = SqliteDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let (_, stdout, _) = run(
        dir.path(),
        &["--database-url", &db.url, "--format", "json", "upgrade"],
    );
    let value = document(&stdout);
    let steps = value["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 3);
    for step in steps {
        let ms = step["elapsed_ms"].as_f64().expect("a number");
        let text = step["elapsed_ms"].to_string();
        assert!(
            text.split('.')
                .nth(1)
                .is_none_or(|decimals| decimals.len() <= 2),
            "{text} ({ms})"
        );
    }
}

#[test]
fn results_go_to_stdout_and_progress_to_stderr() {
    let db = SqliteDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let url = db.url.as_str();
    let (_, stdout, stderr) = run(dir.path(), &["--database-url", url, "upgrade"]);
    assert_eq!(
        stdout,
        "upgrade: 3 step(s); the database is at 8d1e6b0f2a57\n"
    );
    assert!(
        stderr.contains("upgrade <base> -> cec3a80e61a4, Initial schema"),
        "{stderr}"
    );
    let (_, stdout, stderr) = run(
        dir.path(),
        &["--database-url", url, "-q", "downgrade", "-1"],
    );
    assert_eq!(
        stdout,
        "downgrade: 1 step(s); the database is at 3f2a9c1b7d4e\n"
    );
    assert_eq!(stderr, "", "-q silences progress");
    let (_, stdout, stderr) = run(dir.path(), &["--database-url", url, "current"]);
    assert_eq!((stdout.as_str(), stderr.as_str()), ("3f2a9c1b7d4e\n", ""));
    let (_, stdout, stderr) = run(dir.path(), &["--database-url", url, "-v", "upgrade"]);
    assert!(stdout.starts_with("upgrade: 1 step(s)"), "{stdout}");
    assert!(
        stderr.contains(
            "upgrade 8d1e6b0f2a57 (migrations/8d1e6b0f2a57_replace_chains_is_active_by_status.sql:"
        ) && stderr.contains("ALTER TABLE chains DROP COLUMN is_active"),
        "-v prints each statement as it is sent: {stderr}"
    );
}

#[test]
fn every_help_has_an_example_and_only_connecting_commands_list_database_flags() {
    let dir = tempfile::tempdir().expect("dir");
    let (_, top, _) = run(dir.path(), &["--help"]);
    assert!(top.contains("130") && top.contains("143"), "{top}");
    let connecting = [
        "upgrade",
        "downgrade",
        "current",
        "status",
        "history",
        "create",
        "stamp",
        "reset",
        "check",
    ];
    let offline = ["heads", "branches", "show", "merge", "completions"];
    let connecting = [&connecting[..], &["dump", "graph", "lint", "baseline"]].concat();
    let offline = [&offline[..], &["test", "import", "squash"]].concat();
    let (_, adopt, _) = run(dir.path(), &["adopt", "--help"]);
    assert!(
        adopt.contains("Examples:\n  aurora-migrate adopt refinery"),
        "{adopt}"
    );
    let (_, adopt, _) = run(dir.path(), &["adopt", "refinery", "--help"]);
    assert!(adopt.contains("--database-url"), "{adopt}");
    for command in connecting.iter().chain(&offline) {
        let (code, help, _) = run(dir.path(), &[command, "--help"]);
        assert_eq!(code, Some(0));
        assert!(
            help.contains("Examples:\n  aurora-migrate "),
            "{command}: {help}"
        );
        assert_eq!(
            help.contains("--database-url"),
            connecting.contains(command),
            "{command}: {help}"
        );
    }
    let (_, stamp, _) = run(dir.path(), &["stamp", "--help"]);
    assert!(
        stamp.contains("<TARGET>  The revision(s) to record as applied"),
        "{stamp}"
    );
    // Database flags still work before any command.
    let db = SqliteDb::new();
    assert_eq!(
        run(dir.path(), &["--database-url", &db.url, "upgrade"]).0,
        Some(0)
    );
    let (_, stdout, _) = run(dir.path(), &["current", "--database-url", &db.url]);
    assert_eq!(stdout, "8d1e6b0f2a57 (head)\n");
}

#[test]
fn version_says_what_the_binary_carries_without_a_database() {
    let dir = tempfile::tempdir().expect("dir");
    for flag in ["--version", "-V"] {
        let (code, stdout, stderr) = run(dir.path(), &[flag]);
        assert_eq!(code, Some(0), "{stderr}");
        assert_eq!(
            stdout,
            format!(
                "aurora-migrate {}\n3 embedded migration(s); head(s): 8d1e6b0f2a57\n",
                env!("CARGO_PKG_VERSION")
            )
        );
    }
    let (_, stdout, _) = run(dir.path(), &["--version", "--format", "json"]);
    let value = document(&stdout);
    assert_eq!(value["migrations"], 3);
    assert_eq!(value["heads"], serde_json::json!(["8d1e6b0f2a57"]));
    assert!(!dir.path().join("aurora.db").exists());
}

#[test]
fn completions_for_every_shell() {
    let dir = tempfile::tempdir().expect("dir");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, script, stderr) = run(dir.path(), &["completions", shell]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(
            script.contains("downgrade") && script.contains("aurora-migrate"),
            "{shell}"
        );
    }
    assert_eq!(run(dir.path(), &["completions", "tcsh"]).0, Some(2));
}

#[test]
fn status_says_behind_at_the_heads_or_ahead_and_exits_0_only_at_the_heads() {
    let db = SqliteDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let url = db.url.as_str();
    let status = || {
        let (code, stdout, _) = run(
            dir.path(),
            &["--database-url", url, "--format", "json", "status"],
        );
        (code, document(&stdout))
    };
    let (code, value) = status();
    assert_eq!((code, value["state"].as_str()), (Some(1), Some("behind")));
    assert_eq!(value["pending"].as_array().map(Vec::len), Some(3));
    assert_eq!(value["ready"], false);
    run(dir.path(), &["--database-url", url, "upgrade"]);
    let (code, value) = status();
    assert_eq!((code, value["state"].as_str()), (Some(0), Some("at_heads")));
    assert_eq!(value["ready"], true);
    let (_, text, _) = run(dir.path(), &["--database-url", url, "status"]);
    assert!(
        text.contains("state: at the heads (8d1e6b0f2a57)"),
        "{text}"
    );
    db.query("UPDATE alembic_version SET version_num = 'abcdef012345'");
    let (code, value) = status();
    assert_eq!(
        (code, value["state"].as_str()),
        (Some(1), Some("diverged")),
        "{value}"
    );
    db.query("INSERT INTO alembic_version_aurora_log (revision, checksum) VALUES ('x', 'y')");
    db.query("UPDATE alembic_version SET version_num = '8d1e6b0f2a57'");
    db.query("INSERT INTO alembic_version (version_num) VALUES ('ffff00000000')");
    let (code, value) = status();
    assert_eq!(
        (code, value["state"].as_str()),
        (Some(1), Some("ahead_incompatible")),
        "{value}"
    );
    assert_eq!(value["unknown"], serde_json::json!(["ffff00000000"]));
    db.query("DELETE FROM alembic_version WHERE version_num = 'ffff00000000'");
    db.query("UPDATE alembic_version_aurora_log SET checksum = 'changed' WHERE revision = 'cec3a80e61a4'");
    let (code, value) = status();
    assert_eq!(
        (code, value["state"].as_str()),
        (Some(1), Some("changed")),
        "{value}"
    );
}

#[test]
fn on_a_terminal_a_spinner_names_the_migration_while_it_runs() {
    let db = SqliteDb::new();
    let dir = tempfile::tempdir().expect("dir");
    // `script` gives the command a terminal; its output is what the terminal showed.
    let command = format!(
        "{} --database-url {} upgrade",
        env!("CARGO_BIN_EXE_aurora-migrate"),
        db.url
    );
    let output = std::process::Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .current_dir(dir.path())
        .env_remove("NO_COLOR")
        .output()
        .expect("script (util-linux) runs the command on a terminal");
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{shown}");
    assert!(
        shown.contains(
            "upgrade <base> -> cec3a80e61a4, Initial schema: chains, tokens and wallets ..."
        ),
        "the running migration is named before it ends: {shown:?}"
    );
    assert!(shown.contains("upgrade: 3 step(s)"), "{shown:?}");
    // Off a terminal, no spinner: only the finished lines.
    let (_, _, stderr) = run(
        dir.path(),
        &["--database-url", &db.url, "downgrade", "base"],
    );
    assert!(!stderr.contains(" ..."), "{stderr}");
}
