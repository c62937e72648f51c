//! Bad input, case by case: each is refused with a message that says what is wrong, and
//! changes nothing (the database's bookkeeping and schema are compared before and after).

use std::path::Path;

use crate::support::{SqliteDb, cli, texts};

/// Everything a command could change: version rows, the log, the schema.
fn state(db: &SqliteDb) -> Vec<String> {
    let tables = db.query("SELECT name FROM sqlite_master WHERE type = 'table'");
    let mut state = Vec::new();
    if tables.iter().any(|t| t == "alembic_version") {
        state.extend(db.query("SELECT 'row ' || version_num FROM alembic_version ORDER BY 1"));
    }
    state.extend(db.query(
        "SELECT 'log ' || revision || ' ' || checksum FROM alembic_version_aurora_log ORDER BY 1",
    ));
    state.extend(db.query(
        "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY name",
    ));
    state
}

fn at_head() -> (SqliteDb, tempfile::TempDir) {
    let db = SqliteDb::new();
    let dir = tempfile::tempdir().expect("dir");
    assert!(
        cli(dir.path())
            .args(["--database-url", &db.url, "-q", "upgrade"])
            .output()
            .expect("run")
            .status
            .success()
    );
    (db, dir)
}

/// Runs `args` (with the database URL unless the case gives its own) and checks the exit
/// code, the message, and that nothing changed.
fn refused(db: &SqliteDb, dir: &Path, args: &[&str], code: i32, message: &str) {
    let before = state(db);
    let mut command = cli(dir);
    if !args.contains(&"--database-url") {
        command.args(["--database-url", &db.url]);
    }
    let output = command.args(args).output().expect("run");
    let (stdout, stderr) = texts(&output);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{args:?}\nstdout: {stdout}\nstderr: {stderr}"
    );
    assert!(
        stderr.contains(message) || stdout.contains(message),
        "{args:?}: expected `{message}` in\n{stdout}{stderr}"
    );
    assert_eq!(state(db), before, "{args:?} changed the database");
    assert!(
        !stderr.contains("s3cret"),
        "a password was printed: {stderr}"
    );
}

#[test]
fn bad_targets_ranges_and_flags() {
    let (db, dir) = at_head();
    let dir = dir.path();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["upgrade", "nosuchrev"],
            1,
            "no revision, branch label or id prefix matches `nosuchrev`",
        ),
        (
            &["upgrade", "ce"],
            1,
            "`ce` is too short to be an id prefix",
        ),
        (&["upgrade", "a b"], 1, "invalid target `a b`"),
        (&["upgrade", "+0"], 1, "invalid target `+0`"),
        (&["upgrade", "head+1"], 1, "past the head"),
        (&["upgrade", "x@"], 1, "invalid target `x@`"),
        (&["upgrade", "nolabel@head"], 1, "matches `nolabel`"),
        (&["downgrade"], 2, "required"),
        (
            &["downgrade", "-5"],
            1,
            "below base; use `base` to revert everything",
        ),
        (&["downgrade", "feedbeef0000"], 1, "matches `feedbeef0000`"),
        (&["history", "-r", "nocolon"], 1, "invalid target `nocolon`"),
        (&["history", "-r", "zzzz:"], 1, "matches `zzzz`"),
        (&["show", "nosuch"], 1, "matches `nosuch`"),
        (&["show", "base"], 1, "`base` is not a revision"),
        (&["stamp", "nosuch"], 1, "matches `nosuch`"),
        (
            &["reset"],
            2,
            "reset needs confirmation: run it on a terminal, or pass --yes",
        ),
        (
            &["--connect-timeout", "soon", "current"],
            2,
            "invalid value 'soon'",
        ),
        (
            &["--wait", "forever", "current"],
            2,
            "invalid value 'forever'",
        ),
        (&["--format", "xml", "current"], 2, "invalid value 'xml'"),
        (
            &["--version-table", "bad;name", "upgrade"],
            1,
            "invalid version table name `bad;name`",
        ),
        (
            &["--version-table", "a.b.c", "current"],
            1,
            "invalid version table name `a.b.c`",
        ),
        (
            &["create", "x", "--scratch-url", "sqlite://x.db"],
            2,
            "--autogenerate",
        ),
        (&["frobnicate"], 2, "unrecognized subcommand"),
    ];
    for (args, code, message) in cases {
        refused(&db, dir, args, *code, message);
    }
}

#[test]
fn bad_urls_and_unreachable_servers() {
    let (db, dir) = at_head();
    let dir = dir.path();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--database-url", "", "current"],
            "the database URL is empty",
        ),
        (
            &["--database-url", "oracle://h/db", "current"],
            "unsupported database `oracle://`",
        ),
        (
            &["--database-url", "aurora.db", "current"],
            "does not start with a scheme",
        ),
        // What `sqlite://$UNSET` becomes: not a throwaway database in memory.
        (
            &["--database-url", "sqlite://", "upgrade"],
            "the SQLite URL names no file",
        ),
        (
            &["--database-url", "sqlite:", "upgrade"],
            "the SQLite URL names no file",
        ),
        (
            &["--database-url", "sqlite://?mode=rwc", "upgrade"],
            "the SQLite URL names no file",
        ),
        (
            &["--database-url", "sqlite:///tmp/", "upgrade"],
            "names a directory",
        ),
        (
            &[
                "--database-url",
                "postgres://u:s3cret@127.0.0.1:1/x",
                "upgrade",
            ],
            "postgres://u:***@127.0.0.1:1/x",
        ),
        (
            &[
                "--database-url",
                &format!(
                    "postgres://nobody_here:s3cret@{}/test",
                    crate::servers::postgres().address
                ),
                "upgrade",
            ],
            "role \"nobody_here\" does not exist",
        ),
        (
            &[
                "--database-url",
                &format!(
                    "postgres://postgres:s3cret@{}/no_such_database_here",
                    crate::servers::postgres().address
                ),
                "current",
            ],
            "does not exist",
        ),
        (
            &["--database-url", "sqlite:///no/such/dir/x.db", "upgrade"],
            "cannot connect to sqlite:///no/such/dir/x.db",
        ),
    ];
    for (args, message) in cases {
        refused(&db, dir, args, 1, message);
    }
    let files: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(files.is_empty(), "no database file was created: {files:?}");
}

#[test]
fn a_damaged_version_table_is_refused() {
    let (db, dir) = at_head();
    let dir = dir.path();
    db.query("INSERT INTO alembic_version VALUES ('not a rev!')");
    refused(
        &db,
        dir,
        &["upgrade"],
        1,
        "the database is at revision not a rev!, which this build does not contain",
    );
    refused(
        &db,
        dir,
        &["downgrade", "-1"],
        1,
        "which this build does not contain",
    );
    refused(
        &db,
        dir,
        &["stamp", "head"],
        1,
        "which this build does not contain",
    );
    db.query("DELETE FROM alembic_version");
    refused(
        &db,
        dir,
        &["upgrade"],
        1,
        "the version table is missing or empty, but the log records 3 applied revision(s)",
    );
    db.query("DROP TABLE alembic_version");
    refused(
        &db,
        dir,
        &["downgrade", "base"],
        1,
        "the version table is missing or empty",
    );
    refused(&db, dir, &["check"], 1, "migration(s) not applied");
}

#[test]
fn a_changed_checksum_is_refused_even_with_nothing_pending() {
    let (db, dir) = at_head();
    db.query(
        "UPDATE alembic_version_aurora_log SET checksum = 'x' WHERE revision = '8d1e6b0f2a57'",
    );
    refused(
        &db,
        dir.path(),
        &["upgrade"],
        1,
        "revision 8d1e6b0f2a57 (migrations/8d1e6b0f2a57_replace_chains_is_active_by_status.sql) changed after it was applied",
    );
    refused(
        &db,
        dir.path(),
        &["downgrade", "base"],
        1,
        "changed after it was applied",
    );
}

#[test]
fn a_bad_env_file_is_refused() {
    let (db, dir) = at_head();
    std::fs::write(dir.path().join(".env"), "DATABASE_URL=\"unterminated\n").expect("write .env");
    refused(
        &db,
        dir.path(),
        &["--database-url", "ignored://", "upgrade"],
        1,
        "line 1 of .env: unclosed quote",
    );
}

#[test]
fn bad_authoring_requests_write_nothing() {
    let (db, dir) = at_head();
    let dir = dir.path();
    let migrations = dir.join("migrations");
    assert!(
        cli(dir)
            .args([
                "create",
                "First",
                "--rev-id",
                "aaaa00000001",
                "--branch-label",
                "main",
                "--base"
            ])
            .output()
            .expect("run")
            .status
            .success()
    );
    let cases: &[(&[&str], &str)] = &[
        (
            &["create", "x", "--rev-id", "bad id!"],
            "invalid revision id `bad id!`",
        ),
        (
            &["create", "x", "--rev-id", "aaaa00000001"],
            "the revision id `aaaa00000001` is already the id of a revision",
        ),
        (
            &["create", "x", "--branch-label", "main"],
            "`main` cannot be a branch label: it is already a branch label",
        ),
        (&["create", "x", "--head", "nosuch"], "matches `nosuch`"),
        (
            &["create", "x", "--depends-on", "nosuch"],
            "matches `nosuch`",
        ),
        (
            &["merge", "aaaa00000001", "-m", "one"],
            "a merge needs at least two distinct revisions",
        ),
        (
            &["merge", "aaaa00000001", "nosuch", "-m", "two"],
            "matches `nosuch`",
        ),
    ];
    for (args, message) in cases {
        refused(&db, dir, args, 1, message);
        assert_eq!(
            std::fs::read_dir(&migrations).expect("dir").count(),
            1,
            "{args:?} wrote a file"
        );
    }
    std::fs::write(migrations.join("zzzz_broken.sql"), "not a migration").expect("write");
    refused(
        &db,
        dir,
        &["create", "x"],
        1,
        "fix the migrations directory first",
    );
}

#[test]
fn memory_is_only_ever_sqlite_memory_and_other_spellings_are_refused() {
    let dir = tempfile::tempdir().expect("dir");
    for spelling in [
        "sqlite://:memory:",
        "sqlite:///:memory:",
        "sqlite://file::memory:",
        "sqlite:file::memory:",
        "sqlite://file::memory:?cache=shared",
        "sqlite://aurora.db?mode=memory",
        "sqlite://./:memory:",
    ] {
        let output = cli(dir.path())
            .args(["--format", "json", "--database-url", spelling, "upgrade"])
            .output()
            .expect("run");
        let (stdout, stderr) = texts(&output);
        let value: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
        let message = value["error"]["message"].as_str().unwrap_or_default();
        assert_eq!(
            output.status.code(),
            Some(1),
            "{spelling}: {stdout}{stderr}"
        );
        assert_eq!(value["error"]["code"], "url", "{spelling}: {stdout}");
        assert!(
            message.contains("sqlite::memory:") && message.contains("sqlite://aurora.db"),
            "{spelling}: says how to name memory and a file: {message}"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
        assert!(left.is_empty(), "{spelling}: {left:?}");
    }
    for memory in ["sqlite::memory:", "sqlite::memory:?cache=shared"] {
        let output = cli(dir.path())
            .args(["--database-url", memory, "upgrade"])
            .output()
            .expect("run");
        let (stdout, stderr) = texts(&output);
        assert!(output.status.success(), "{memory}: {stdout}{stderr}");
    }
}
