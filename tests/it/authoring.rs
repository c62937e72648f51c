//! Authoring commands agree on one graph, the files on disk, and say when it differs from
//! what the binary embeds; they refuse before writing anything an input that would leave an
//! invalid file or an ambiguous graph.

use std::path::Path;

use crate::support::{SqliteDb, cli, project_migrations, texts};

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = cli(dir).args(args).output().expect("run");
    let (stdout, stderr) = texts(&output);
    (output.status.code(), stdout, stderr)
}

fn count(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[test]
fn outside_a_project_nothing_starts_a_new_history_unless_asked() {
    let dir = tempfile::tempdir().expect("dir");
    for args in [
        &["create", "Add a table"][..],
        &["create", "Add a table", "--rust"],
        &["create", "Add a table", "--rev-id", "abcd00000001"],
        &["merge", "heads", "-m", "join"],
    ] {
        let (code, _, stderr) = run(dir.path(), args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(
            !dir.path().join("migrations").exists(),
            "{args:?} created the directory"
        );
    }
    // An empty directory is no different: a revision with no parent is only written when asked.
    std::fs::create_dir(dir.path().join("migrations")).expect("mkdir");
    let (code, _, stderr) = run(dir.path(), &["create", "Add a table"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("holds no migrations") && stderr.contains("pass --base"),
        "{stderr}"
    );
    assert_eq!(count(&dir.path().join("migrations")), 0);
    let (code, stdout, stderr) = run(
        dir.path(),
        &["create", "First", "--base", "--rev-id", "abcd00000001"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.trim(), "migrations/abcd00000001_first.sql");
    // A second base beside the first is asked for the same way.
    let (code, _, stderr) = run(dir.path(), &["create", "Other root", "--head", "base"]);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn every_authoring_input_is_checked_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("dir");
    let migrations = project_migrations(dir.path());
    let cases: &[(&[&str], &str)] = &[
        (&["create", ""], "the message is empty"),
        (&["create", "  "], "the message is empty"),
        (&["create", "first line\nsecond line"], "has 2 lines"),
        (
            &["create", "x", "--rev-id", "CEC3A80E61A4"],
            "differs only in case from the revision `cec3a80e61a4`",
        ),
        (
            &["create", "x", "--rev-id", "cec3a8"],
            "is a prefix of the revision `cec3a80e61a4`",
        ),
        (
            &["create", "x", "--rev-id", "8d1e6b0f2a57ab"],
            "starts with the id of the revision `8d1e6b0f2a57`",
        ),
        (&["create", "x", "--rev-id", "head"], "target keyword"),
        (
            &["create", "x", "--branch-label", "head"],
            "`head` cannot be a branch label",
        ),
        (
            &["create", "x", "--branch-label", "Heads"],
            "target keyword",
        ),
        (&["create", "x", "--branch-label", "base"], "target keyword"),
        (
            &["create", "x", "--branch-label", "8d1e"],
            "is a prefix of the revision `8d1e6b0f2a57`",
        ),
        (
            &["create", "x", "--branch-label", "3f2a9c1b7d4e"],
            "is already the id of a revision",
        ),
        (
            &["merge", "cec3a80e61a4", "8d1e6b0f2a57", "-m", "join"],
            "cec3a80e61a4 is an ancestor of 8d1e6b0f2a57",
        ),
        (&["merge", "heads", "-m", ""], "the message is empty"),
        (
            &["merge", "heads", "-m", "join"],
            "a merge needs at least two distinct revisions",
        ),
    ];
    for (args, expected) in cases {
        let (code, _, stderr) = run(dir.path(), args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(count(&migrations), 3, "{args:?} wrote a file");
    }
    // Nothing blocks the next create.
    let (code, _, stderr) = run(dir.path(), &["create", "Add notes"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(count(&migrations), 4);
}

#[test]
fn authoring_follows_the_files_on_disk_and_says_when_they_differ_from_the_build() {
    let db = SqliteDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let migrations = project_migrations(dir.path());
    // In step with the build: no note.
    let (_, stdout, stderr) = run(dir.path(), &["heads"]);
    assert_eq!(
        (stdout.as_str(), stderr.as_str()),
        ("8d1e6b0f2a57 (head)\n", "")
    );
    // A file written since the build, not embedded yet.
    let (code, stdout, _) = run(
        dir.path(),
        &["create", "Add notes", "--rev-id", "aaaa00000001"],
    );
    assert_eq!(code, Some(0));
    let text = std::fs::read_to_string(dir.path().join(stdout.trim())).expect("written");
    assert!(text.contains("-- Revises: 8d1e6b0f2a57"), "{text}");
    std::fs::write(
        dir.path().join(stdout.trim()),
        text.replace("-- migrate:upgrade\n", "-- migrate:upgrade\nSELECT 1;\n"),
    )
    .expect("fill");
    let note = "differs from the migrations this binary embeds (heads: 8d1e6b0f2a57)";
    let (_, stdout, stderr) = run(dir.path(), &["heads"]);
    assert_eq!(
        stdout, "8d1e6b0f2a57 (head)\n",
        "heads shows what this build would apply"
    );
    assert!(
        stderr.contains(note) && stderr.contains("(heads: aaaa00000001)"),
        "{stderr}"
    );
    let (code, stdout, stderr) = run(dir.path(), &["create", "Next", "--rev-id", "bbbb00000001"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains(note), "{stderr}");
    let text = std::fs::read_to_string(dir.path().join(stdout.trim())).expect("written");
    assert!(
        text.contains("-- Revises: aaaa00000001"),
        "create follows the disk: {text}"
    );
    // Autogenerate compares the database at the embedded heads: it refuses to fork from disk.
    assert_eq!(
        run(dir.path(), &["--database-url", &db.url, "upgrade"]).0,
        Some(0)
    );
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "--database-url",
            &db.url,
            "create",
            "Sync",
            "--autogenerate",
        ],
    );
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("rebuild so the binary carries the files on disk"),
        "{stderr}"
    );
    assert_eq!(count(&migrations), 5);
}
