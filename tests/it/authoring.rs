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

/// An Alembic script whose `revision` is `revision` and whose upgrade is `upgrade`.
fn alembic_script(revision: &str, upgrade: &str) -> String {
    format!(
        "\"\"\"deep\"\"\"\nfrom alembic import op\n\nrevision = {revision}\ndown_revision = None\n\n\ndef upgrade():\n    {upgrade}\n\n\ndef downgrade():\n    pass\n"
    )
}

#[test]
fn import_refuses_deep_nesting_at_its_line_and_never_overflows() {
    let n = 100_000;
    let nest = |open: &str, inner: &str, close: &str| {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    };
    let plain = "'aa11bb22cc33'";
    let refused: &[(&str, String, String, &str)] = &[
        (
            "parentheses",
            plain.into(),
            format!("op.execute({})", nest("(", "'x'", ")")),
            "aa11bb22cc33_deep.py:9: cannot read brackets nested more than 200 deep",
        ),
        (
            "brackets",
            plain.into(),
            format!("op.execute({})", nest("[", "'x'", "]")),
            "aa11bb22cc33_deep.py:9: cannot read brackets nested more than 200 deep",
        ),
        (
            "braces",
            plain.into(),
            format!("op.execute({})", nest("{", "'x'", "}")),
            "aa11bb22cc33_deep.py:9: cannot read brackets nested more than 200 deep",
        ),
        (
            "calls",
            plain.into(),
            format!("op.execute({})", nest("f(", "1", ")")),
            "aa11bb22cc33_deep.py:9: cannot read brackets nested more than 200 deep",
        ),
        (
            "minus signs",
            plain.into(),
            format!("op.execute({}1)", "-".repeat(n)),
            "aa11bb22cc33_deep.py:9: cannot read an expression nested more than 1000 deep",
        ),
        (
            "a top-level value",
            nest("(", plain, ")"),
            "pass".into(),
            "aa11bb22cc33_deep.py:4: cannot read brackets nested more than 200 deep",
        ),
        (
            "minus signs at the top",
            format!("{}1", "-".repeat(n)),
            "pass".into(),
            "aa11bb22cc33_deep.py:4: cannot read an expression nested more than 1000 deep",
        ),
    ];
    let mut faults = Vec::new();
    for (what, revision, upgrade, expected) in refused {
        let project = tempfile::tempdir().expect("dir");
        let versions = project.path().join("versions");
        std::fs::create_dir(&versions).expect("versions");
        std::fs::write(
            versions.join("aa11bb22cc33_deep.py"),
            alembic_script(revision, upgrade),
        )
        .expect("write");
        let (code, _, stderr) = run(project.path(), &["import", "alembic", "versions"]);
        if code != Some(1) || !stderr.contains(expected) {
            faults.push(format!(
                "{what}: exit {code:?}: {}",
                &stderr[..stderr.len().min(300)]
            ));
        }
        if project.path().join("migrations").exists() {
            faults.push(format!("{what}: migrations/ was written"));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));

    // As deep as Python reads, and a long chain of operators: read, the call left to do.
    for upgrade in [
        format!("op.execute({})", nest_limit()),
        format!("op.execute({})", vec!["'x'"; n].join(" + ")),
    ] {
        let project = tempfile::tempdir().expect("dir");
        let versions = project.path().join("versions");
        std::fs::create_dir(&versions).expect("versions");
        std::fs::write(
            versions.join("aa11bb22cc33_deep.py"),
            alembic_script(plain, &upgrade),
        )
        .expect("write");
        let (code, _, stderr) = run(project.path(), &["import", "alembic", "versions"]);
        assert_eq!(code, Some(0), "{}", &stderr[..stderr.len().min(300)]);
        assert!(stderr.contains("to do: line 9: `op.execute`"), "{stderr}");
    }
}

/// 199 parentheses inside the call's own: 200 open at the deepest, as Python allows.
fn nest_limit() -> String {
    format!("{}'x'{} + 1", "(".repeat(199), ")".repeat(199))
}

#[test]
fn a_crlf_checkout_of_alembic_scripts_imports_as_the_lf_one() {
    let script = "\"\"\"add kinds\n\nRevision ID: aa11bb22cc33\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = \"aa11bb22cc33\"\ndown_revision = None\n\n\ndef upgrade():\n    op.create_table(\"kinds\", \\\n        sa.Column(\"id\", sa.Integer(), primary_key=True),\n        sa.Column(\"name\", sa.String(20)))\n    op.execute(\"\"\"\n    INSERT INTO kinds VALUES (1, 'a')\n    \"\"\")\n\n\ndef downgrade():\n    op.drop_table(\"kinds\")\n";
    let mut imported = Vec::new();
    for text in [
        script.to_string(),
        script.replace('\n', "\r\n"),
        format!("\u{feff}{}", script.replace('\n', "\r\n")),
    ] {
        let project = tempfile::tempdir().expect("dir");
        let versions = project.path().join("versions");
        std::fs::create_dir(&versions).expect("versions");
        std::fs::write(versions.join("aa11bb22cc33_kinds.py"), &text).expect("write");
        let (code, _, stderr) = run(project.path(), &["import", "alembic", "versions"]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(!stderr.contains("to do"), "{stderr}");
        let written =
            std::fs::read_to_string(project.path().join("migrations/aa11bb22cc33_add_kinds.sql"))
                .expect("imported");
        assert!(!written.contains('\r'), "{written:?}");
        imported.push(written);
    }
    assert_eq!(imported[0], imported[1]);
    assert_eq!(imported[0], imported[2]);
}
