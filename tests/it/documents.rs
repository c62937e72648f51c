//! Each command's `--format json` document holds to its checked-in schema (`schema/*.json` at
//! the repository's root): the real output of the binary, parsed and validated.

use std::path::Path;

use serde_json::Value;

use crate::json_schema::validate;
use crate::support::{PgDb, SqliteDb, cli, project_migrations, texts};

/// The checked-in schema of a kind of document.
fn schema(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("schema/{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).expect("a schema is JSON")
}

/// Runs `args` with `--format json` in `dir`, and holds its exit code and its one document
/// on stdout to `schema`.
fn holds<A: AsRef<std::ffi::OsStr> + std::fmt::Debug>(
    dir: &Path,
    args: &[A],
    code: i32,
    name: &str,
) -> Value {
    let output = cli(dir)
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("run");
    let (stdout, stderr) = texts(&output);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{args:?}: {stdout}{stderr}"
    );
    assert_eq!(
        stdout.lines().count(),
        1,
        "{args:?}: one document: {stdout}"
    );
    let document: Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    let schema = schema(name);
    let problems = validate(&schema, &schema, &document, "$");
    assert!(
        problems.is_empty(),
        "{args:?} against {name}.json: {problems:#?}\n{stdout}"
    );
    document
}

#[test]
fn every_document_holds_to_its_schema() {
    let dir = tempfile::tempdir().expect("dir");
    let at = dir.path();
    project_migrations(at);
    let db = SqliteDb::new();
    let url = db.url.clone();
    let on = |args: &[&'static str]| -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        all.extend(["--database-url".to_string(), url.clone()]);
        all
    };

    let run = holds(at, &on(&["upgrade"]), 0, "run");
    assert_eq!(run["steps"].as_array().map(Vec::len), Some(3), "{run}");
    assert!(
        run["database"]["url"].is_string(),
        "the database used: {run}"
    );
    holds(at, &on(&["current"]), 0, "current");
    holds(at, &on(&["history"]), 0, "history");
    holds(at, &["heads"], 0, "revisions");
    holds(at, &["show", "3f2a"], 0, "revisions");
    holds(at, &["branches"], 0, "branches");
    holds(at, &on(&["graph"]), 0, "graph");
    holds(at, &on(&["status"]), 0, "status");
    holds(at, &on(&["check"]), 0, "check");
    let dump = holds(at, &on(&["dump", "--output", "schema.sql"]), 0, "dump");
    assert_eq!(dump["file"], "schema.sql");
    holds(at, &on(&["dump", "--check", "schema.sql"]), 0, "dump-check");
    holds(at, &on(&["downgrade", "-1"]), 0, "run");
    let behind = holds(at, &on(&["status"]), 1, "status");
    assert_eq!(behind["state"], "behind");
    holds(at, &on(&["check"]), 1, "check");
    holds(at, &on(&["stamp", "head"]), 0, "stamp");
    holds(
        at,
        &on(&["upgrade", "--sql", "--dialect", "sqlite"]),
        0,
        "sql",
    );
    holds(at, &["lint", "--dialect", "postgresql"], 0, "lint");
    holds(at, &["lint", "--embedded"], 0, "lint");
    holds(
        at,
        &["create", "Add things", "--rev-id", "bbbb00000001"],
        0,
        "create",
    );
    holds(at, &["--version"], 0, "version");
    holds(at, &["test"], 0, "test");

    let fleet = at.join("fleet.txt");
    std::fs::write(&fleet, format!("a = {}\n", db.url)).expect("fleet list");
    let fleet = fleet.display().to_string();
    holds(at, &["status", "--targets", &fleet], 0, "fleet");

    let error = holds(at, &["show", "ffffffffffff"], 1, "error");
    assert!(error["error"]["code"].is_string(), "{error}");
    let usage = holds(at, &["no-such-command"], 2, "error");
    assert_eq!(usage["error"]["code"], "usage");
}

/// What PostgreSQL alone answers: the lease, and the documents of a server's database.
#[test]
fn postgresql_documents_hold_to_their_schemas() {
    let dir = tempfile::tempdir().expect("dir");
    let at = dir.path();
    let db = PgDb::new();
    let on = |args: &[&str]| -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        all.extend(["--database-url".to_string(), db.url.clone()]);
        all
    };
    let run = holds(at, &on(&["upgrade"]), 0, "run");
    assert_eq!(run["database"]["source"], "flag", "{run}");
    holds(at, &on(&["status"]), 0, "status");
    holds(at, &on(&["lease", "show"]), 0, "lease");
    holds(at, &on(&["lease", "break"]), 0, "lease-break");
    holds(at, &on(&["dump"]), 0, "dump");
    holds(at, &on(&["downgrade", "base"]), 0, "run");
}

/// `import alembic`, with a script it converts, one it leaves lines of, and a file it skips.
#[test]
fn an_import_holds_to_its_schema() {
    let project = tempfile::tempdir().expect("dir");
    let versions = project.path().join("versions");
    std::fs::create_dir(&versions).expect("versions");
    let script = |id: &str, parent: &str, upgrade: &str| {
        let text = format!(
            "\"\"\"step {id}\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = \"{id}\"\n\
             down_revision = {parent}\n\n\ndef upgrade():\n    {upgrade}\n\n\ndef downgrade():\n    pass\n"
        );
        std::fs::write(versions.join(format!("{id}_step.py")), text).expect("script");
    };
    script(
        "a1a1",
        "None",
        "op.create_table(\"a\", sa.Column(\"id\", sa.Integer(), primary_key=True))",
    );
    script("b2b2", "\"a1a1\"", "op.execute(f\"DROP TABLE {name}\")");
    std::fs::write(versions.join("__init__.py"), "").expect("init");
    let import = holds(
        project.path(),
        &["import", "alembic", "versions"],
        0,
        "import",
    );
    assert_eq!(import["summary"]["scripts"], 2, "{import}");
    assert_eq!(import["summary"]["todo_free"], 1, "{import}");
}

/// The validator refuses what a schema does not allow, so that a document passing means
/// something.
#[test]
fn a_document_off_its_schema_is_refused() {
    let schema = schema("current");
    let problems = |document: Value| validate(&schema, &schema, &document, "$");
    let fine = serde_json::json!({"current": [], "unknown": [], "beyond": [], "dirty": [], "unfinished": []});
    assert!(problems(fine.clone()).is_empty());
    let mut off = Vec::new();
    for (key, value) in [
        ("unknown", serde_json::json!([1])),
        ("dirty", serde_json::json!([{"revision": "a"}])),
        ("extra", serde_json::json!(true)),
        ("database", serde_json::json!({"url": 1, "source": "flag"})),
    ] {
        let mut document = fine.clone();
        document[key] = value;
        off.push(document);
    }
    let mut without = fine.clone();
    without.as_object_mut().map(|o| o.remove("beyond"));
    off.push(without);
    for document in off {
        assert!(!problems(document.clone()).is_empty(), "{document}");
    }
}
