//! Every file the tool writes is written one safe way: a link planted beside the target is
//! never followed, a symlinked target is written through, a file keeps its mode, `-` is
//! stdout, pipes are written through; and every input that becomes a path or an id (imported
//! revision ids, `--rev-id`, labels) follows `create`'s rules before anything is written.

use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};
use std::path::Path;

use crate::support::{SqliteDb, cli, texts};

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = cli(dir).args(args).output().expect("run");
    let (stdout, stderr) = texts(&output);
    (output.status.code(), stdout, stderr)
}

/// A SQLite database at the heads, and the arguments that name it.
fn upgraded(dir: &Path) -> (SqliteDb, Vec<String>) {
    let db = SqliteDb::new();
    let url = vec!["--database-url".to_string(), db.url.clone()];
    let (code, _, stderr) = run(dir, &[&url[0], &url[1], "upgrade"]);
    assert_eq!(code, Some(0), "{stderr}");
    (db, url)
}

/// Both ways the schema file is written: `dump --output F` and `upgrade --dump F`, as
/// argument lists.
fn schema_writers(url: &[String], file: &str) -> Vec<Vec<String>> {
    [["dump", "--output", file], ["upgrade", "--dump", file]]
        .iter()
        .map(|args| {
            url.iter()
                .cloned()
                .chain(args.iter().map(|a| a.to_string()))
                .collect()
        })
        .collect()
}

fn run_owned(dir: &Path, args: &[String]) -> (Option<i32>, String, String) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(dir, &args)
}

#[test]
fn a_link_planted_beside_the_schema_file_is_never_followed() {
    let dir = tempfile::tempdir().expect("dir");
    let (_db, url) = upgraded(dir.path());
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").expect("victim");
    // The names a writer working beside its target could pick.
    for planted in [
        "schema.partial",
        "schema.sql.partial",
        ".schema.sql.partial",
        "schema.sql.tmp",
    ] {
        symlink(&victim, dir.path().join(planted)).expect("plant");
    }
    for args in schema_writers(&url, "schema.sql") {
        let (code, _, stderr) = run_owned(dir.path(), &args);
        assert_eq!(code, Some(0), "{stderr}");
        assert_eq!(
            std::fs::read_to_string(&victim).expect("victim"),
            "precious"
        );
    }
    let schema = std::fs::read_to_string(dir.path().join("schema.sql")).expect("schema");
    assert!(schema.contains("CREATE TABLE"), "{schema}");
}

#[test]
fn a_symlinked_schema_file_is_written_through_and_keeps_its_mode() {
    let dir = tempfile::tempdir().expect("dir");
    let (_db, url) = upgraded(dir.path());
    std::fs::create_dir(dir.path().join("shared")).expect("dir");
    let real = dir.path().join("shared/schema.sql");
    std::fs::write(&real, "old").expect("old");
    for mode in [0o600, 0o640] {
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(mode)).expect("chmod");
        symlink(&real, dir.path().join("schema.sql")).ok();
        for args in schema_writers(&url, "schema.sql") {
            let (code, _, stderr) = run_owned(dir.path(), &args);
            assert_eq!(code, Some(0), "{stderr}");
            let link = std::fs::symlink_metadata(dir.path().join("schema.sql")).expect("link");
            assert!(
                link.file_type().is_symlink(),
                "the link was replaced by a file"
            );
            assert!(
                std::fs::read_to_string(&real)
                    .expect("real")
                    .contains("CREATE TABLE")
            );
            let kept = std::fs::metadata(&real).expect("real").permissions().mode() & 0o777;
            assert_eq!(kept, mode, "the file's mode was reset");
            std::fs::write(&real, "old").expect("reset");
        }
    }
}

#[test]
fn a_dash_is_stdout_and_a_pipe_is_written_through() {
    let dir = tempfile::tempdir().expect("dir");
    let (_db, url) = upgraded(dir.path());
    let (code, stdout, stderr) = run(dir.path(), &[&url[0], &url[1], "dump", "--output", "-"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("CREATE TABLE"), "{stdout}");
    assert!(!dir.path().join("-").exists(), "a file named - was written");
    let (code, stdout, stderr) = run(dir.path(), &[&url[0], &url[1], "upgrade", "--dump", "-"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("CREATE TABLE"), "{stdout}");
    assert!(!dir.path().join("-").exists(), "a file named - was written");

    // A named pipe, held open for reading and writing so no side blocks.
    let fifo = dir.path().join("schema.pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let mut pipe = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .expect("open the pipe");
    let (code, _, stderr) = run(
        dir.path(),
        &[&url[0], &url[1], "dump", "--output", "schema.pipe"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let kind = std::fs::symlink_metadata(&fifo).expect("pipe").file_type();
    assert!(kind.is_fifo(), "the pipe was replaced by a file");
    let mut buffer = vec![0u8; 1 << 16];
    let n = std::io::Read::read(&mut pipe, &mut buffer).expect("read the pipe");
    assert!(String::from_utf8_lossy(&buffer[..n]).contains("CREATE TABLE"));
}

#[test]
fn a_schema_file_that_cannot_be_written_is_refused_and_nothing_else_is_touched() {
    let dir = tempfile::tempdir().expect("dir");
    let (_db, url) = upgraded(dir.path());
    symlink(
        dir.path().join("nowhere/schema.sql"),
        dir.path().join("dangling.sql"),
    )
    .expect("link");
    std::fs::create_dir(dir.path().join("a_directory")).expect("dir");
    for (file, expected) in [
        ("dangling.sql", "does not exist"),
        ("a_directory", "is a directory"),
        ("no/such/dir/schema.sql", "does not exist"),
    ] {
        for args in schema_writers(&url, file) {
            let (code, _, stderr) = run_owned(dir.path(), &args);
            assert_eq!(code, Some(1), "{file}: {stderr}");
            assert!(stderr.contains(expected), "{file}: {stderr}");
        }
    }
    assert!(!dir.path().join("nowhere").exists());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(names.is_empty(), "left behind: {names:?}");
}

fn alembic_script(revision: &str, down: &str, labels: &str) -> String {
    format!(
        "\"\"\"a script\"\"\"\nfrom alembic import op\n\nrevision = {revision}\ndown_revision = {down}\nbranch_labels = {labels}\n\n\ndef upgrade():\n    op.execute('SELECT 1')\n\n\ndef downgrade():\n    op.execute('SELECT 1')\n"
    )
}

#[test]
fn imported_revision_ids_and_labels_follow_create_s_rules_before_anything_is_written() {
    for (revision, down, labels, named) in [
        ("'../../outside'", "None", "None", "\"../../outside\""),
        ("'a/b'", "None", "None", "\"a/b\""),
        (
            "'2024-01-01-add-users'",
            "None",
            "None",
            "\"2024-01-01-add-users\"",
        ),
        ("'head'", "None", "None", "\"head\""),
        ("'..'", "None", "None", "\"..\""),
        ("'.hidden'", "None", "None", "\".hidden\""),
        ("'v0.9-a'", "None", "None", "\"v0.9-a\""),
        ("'x' * 1", "None", "None", "revision"),
        ("'aa11'", "'../up'", "None", "\"../up\""),
        ("'aa11'", "None", "('with space',)", "\"with space\""),
        ("'aa11'", "None", "('heads',)", "\"heads\""),
        ("'abc\\n-- migrate:upgrade'", "None", "None", "abc"),
        (&format!("'{}'", "a".repeat(33)), "None", "None", "aaaaaaaa"),
    ] {
        let project = tempfile::tempdir().expect("dir");
        let versions = project.path().join("alembic/versions");
        std::fs::create_dir_all(&versions).expect("versions");
        // A valid first script, so a refusal cannot be mistaken for an empty directory.
        std::fs::write(
            versions.join("0001_first.py"),
            alembic_script("'f1f1f1f1'", "None", "None"),
        )
        .expect("first");
        let down = if down == "None" { "'f1f1f1f1'" } else { down };
        std::fs::write(
            versions.join("0002_second.py"),
            alembic_script(revision, down, labels),
        )
        .expect("second");
        let (code, _, stderr) = run(project.path(), &["import", "alembic", "alembic/versions"]);
        assert_eq!(code, Some(1), "{revision} {labels}: {stderr}");
        assert!(stderr.contains(named), "{revision} {labels}: {stderr}");
        assert!(
            !project.path().join("migrations").exists(),
            "{revision}: something was written"
        );
        assert!(!project.path().join("outside").exists() && !project.path().join("up").exists());
    }
}

#[test]
fn dotted_revision_ids_import_as_shipped_and_name_targets() {
    let project = tempfile::tempdir().expect("dir");
    let versions = project.path().join("alembic/versions");
    std::fs::create_dir_all(&versions).expect("versions");
    for (file, revision, down) in [
        ("v0.9.0.a.py", "'v0.9.0.a'", "None"),
        ("v1.2.0.a.py", "'v1.2.0.a'", "'v0.9.0.a'"),
    ] {
        std::fs::write(versions.join(file), alembic_script(revision, down, "None"))
            .expect("script");
    }
    let (code, _, stderr) = run(project.path(), &["import", "alembic", "alembic/versions"]);
    assert_eq!(code, Some(0), "{stderr}");
    let mut names: Vec<String> = std::fs::read_dir(project.path().join("migrations"))
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names[0].starts_with("v0.9.0.a") && names[1].starts_with("v1.2.0.a"),
        "{names:?}"
    );
    let scan = aurora_migrate::migrations::source::scan::scan(&project.path().join("migrations"))
        .expect("the imported directory builds");
    let graph = &scan.graph;
    assert_eq!(graph.node(graph.heads()[0]).id, "v1.2.0.a");
    // `-` cannot be part of an id, so a step from a dotted id reads as one.
    let range =
        aurora_migrate::migrations::revision::range::resolve(graph, Some("v1.2.0.a-1:v1.2"), &[])
            .expect("a range of dotted ids");
    let ids: Vec<&str> = range.iter().map(|&i| graph.node(i).id.as_str()).collect();
    assert_eq!(ids, ["v1.2.0.a", "v0.9.0.a"]);
    let (code, _, stderr) = run(
        project.path(),
        &[
            "create",
            "next",
            "--rev-id",
            "v1.3.0.a",
            "--branch-label",
            "rel.1",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn rev_ids_and_labels_that_cannot_be_file_names_are_refused_by_every_authoring_command() {
    let project = tempfile::tempdir().expect("dir");
    let (code, _, stderr) = run(
        project.path(),
        &["create", "first", "--base", "--rev-id", "f1f1f1f1"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = run(
        project.path(),
        &["create", "second", "--head", "base", "--rev-id", "e2e2e2e2"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    for bad in ["../escape", "a/b", "x-y", "", "head", ".x", ".."] {
        for args in [
            vec!["create", "third", "--rev-id", bad],
            vec!["merge", "heads", "-m", "join", "--rev-id", bad],
            vec!["create", "third", "--branch-label", bad],
        ] {
            let (code, _, stderr) = run(project.path(), &args);
            assert_ne!(code, Some(0), "{args:?} was accepted");
            assert!(!stderr.is_empty(), "{args:?}");
        }
    }
    let files = std::fs::read_dir(project.path().join("migrations"))
        .expect("list")
        .count();
    assert_eq!(files, 2, "a refused command wrote a file");
    assert!(!project.path().join("escape").exists());
}
