//! The real Alembic beside us on one database: Alembic (from PyPI, in a virtual environment)
//! upgrades with Python migrations whose revision ids and SQL match our files, branches and a
//! merge included; we read `current` and `history` and continue with `upgrade`, recording the
//! checksums of what Alembic applied; then Alembic reads what we left and downgrades from it.
//! On PostgreSQL, SQLite and MariaDB.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use aurora_migrate::migrations::source::scan;
use aurora_migrate::{Catalog, Database, DatabaseUrl, Options, Runner, Target};

use crate::support::{Db, aurora, catalog, fixture, runner, texts};

/// The `alembic` program: `AURORA_ALEMBIC`, else a virtual environment under `target/` made
/// once from PyPI. Without Python, outside CI, the tests say so and do nothing.
pub fn alembic() -> Option<PathBuf> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            if let Ok(given) = std::env::var("AURORA_ALEMBIC") {
                return Some(PathBuf::from(given));
            }
            let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/alembic-venv");
            let program = venv.join("bin/alembic");
            if program.exists() {
                return Some(program);
            }
            let python = Command::new("python3").arg("--version").output();
            if python.is_err() || !python.as_ref().unwrap().status.success() {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "python3 is missing: CI must install it for the Alembic tests"
                );
                eprintln!("SKIPPED: the Alembic tests need python3 (to install Alembic from PyPI); none is installed");
                return None;
            }
            let made = Command::new("python3").args(["-m", "venv"]).arg(&venv).status().expect("python3 -m venv");
            assert!(made.success(), "python3 -m venv {} failed", venv.display());
            let pip = venv.join("bin/pip");
            let requirements = fixture("alembic/requirements.txt");
            let installed = Command::new(pip)
                .args(["install", "-q", "-r"])
                .arg(requirements)
                .status()
                .expect("pip install alembic");
            assert!(installed.success(), "pip install alembic failed: is PyPI reachable?");
            Some(program)
        })
        .clone()
}

/// The database's URL as SQLAlchemy writes it.
pub fn sqlalchemy_url(db: &Db) -> String {
    let url = db.url();
    if let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    {
        format!("postgresql+psycopg2://{rest}")
    } else if let Some(rest) = url.strip_prefix("mysql://") {
        format!("mysql+pymysql://{rest}")
    } else {
        format!(
            "sqlite:///{}",
            url.strip_prefix("sqlite://").expect("a sqlite URL")
        )
    }
}

/// Runs `alembic ARGS` in the Alembic project `project` against `db`: (success, stdout, stderr).
pub fn run_alembic(
    alembic: &Path,
    project: &Path,
    db: &Db,
    args: &[&str],
) -> (bool, String, String) {
    let output = Command::new(alembic)
        .arg("-c")
        .arg(project.join("alembic.ini"))
        .args(args)
        .env("ALEMBIC_URL", sqlalchemy_url(db))
        .output()
        .expect("run alembic");
    let (stdout, stderr) = texts(&output);
    (output.status.success(), stdout, stderr)
}

fn heads(db: &Db) -> Vec<String> {
    let mut rows = db.query("SELECT version_num FROM alembic_version");
    rows.sort();
    rows
}

fn ids(catalog: &Catalog, indices: &[usize]) -> Vec<String> {
    indices
        .iter()
        .map(|&i| catalog.migration(i).id.to_string())
        .collect()
}

/// A graph with a branch label, two branches and a merge, in Alembic's scripts and our files.
#[tokio::test]
async fn alembic_and_we_continue_each_other_through_branches_and_a_merge() {
    let Some(alembic) = alembic() else { return };
    let project = fixture("alembic/project");
    let catalog = catalog("alembic/migrations");
    for db in Db::all() {
        let name = db.name();
        for target in ["a5f1c2d3e4b6", "c9e8d7f6a5b4"] {
            let (ok, _, stderr) = run_alembic(&alembic, &project, &db, &["upgrade", target]);
            assert!(ok, "{name}: alembic upgrade {target}: {stderr}");
        }
        assert_eq!(
            heads(&db),
            ["a5f1c2d3e4b6", "c9e8d7f6a5b4"],
            "{name}: Alembic left two heads"
        );

        let standing = runner(&catalog, &db).standing().await.unwrap();
        assert_eq!(
            ids(&catalog, &standing.current),
            ["a5f1c2d3e4b6", "c9e8d7f6a5b4"],
            "{name}"
        );
        assert_eq!(standing.applied.len(), 4, "{name}");
        assert_eq!(
            ids(&catalog, &standing.pending),
            ["e1f2a3b4c5d6", "f0e9d8c7b6a5"],
            "{name}"
        );
        assert_eq!(
            standing.unrecorded.len(),
            4,
            "{name}: Alembic keeps no checksums"
        );

        let run = runner(&catalog, &db)
            .upgrade(&Target::Heads, &mut |_| {})
            .await
            .unwrap();
        let applied: Vec<&str> = run.steps.iter().map(|s| s.revision.as_str()).collect();
        assert_eq!(applied, ["e1f2a3b4c5d6", "f0e9d8c7b6a5"], "{name}");
        assert_eq!(heads(&db), ["f0e9d8c7b6a5"], "{name}");
        let standing = runner(&catalog, &db).standing().await.unwrap();
        assert!(
            standing.unrecorded.is_empty() && standing.changed.is_empty(),
            "{name}: every checksum recorded"
        );

        // Alembic reads what we left, and goes back through the merge from it.
        let (ok, stdout, stderr) = run_alembic(&alembic, &project, &db, &["current"]);
        assert!(
            ok && stdout.contains("f0e9d8c7b6a5 (head)"),
            "{name}: {stdout}{stderr}"
        );
        for target in ["-1", "a5f1c2d3e4b6"] {
            let (ok, stdout, stderr) = run_alembic(&alembic, &project, &db, &["downgrade", target]);
            assert!(ok, "{name}: alembic downgrade {target}: {stdout}{stderr}");
        }
        assert_eq!(
            heads(&db),
            ["a5f1c2d3e4b6", "c9e8d7f6a5b4"],
            "{name}: unmerged"
        );
        let status = runner(&catalog, &db).records().await.unwrap();
        assert_eq!(
            ids(&catalog, &status.current),
            ["a5f1c2d3e4b6", "c9e8d7f6a5b4"],
            "{name}"
        );
        runner(&catalog, &db)
            .downgrade(&Target::parse("7c3d9e2f0b12").unwrap(), &mut |_| {})
            .await
            .unwrap();
        let (ok, stdout, stderr) = run_alembic(&alembic, &project, &db, &["current"]);
        assert!(
            ok && stdout.trim() == "7c3d9e2f0b12 (branchpoint)",
            "{name}: {stdout}{stderr}"
        );
        let (ok, _, stderr) = run_alembic(&alembic, &project, &db, &["downgrade", "base"]);
        assert!(ok, "{name}: {stderr}");
        assert!(heads(&db).is_empty(), "{name}");
        assert!(!db.tables().contains(&"users".to_string()), "{name}");
    }
}

/// Aurora's own migrations, as its team wrote them for Alembic (`op.execute`, `op.add_column`,
/// `op.drop_column`), continued by the binary that carries the same revisions.
#[test]
fn the_binary_continues_aurora_from_alembic_and_alembic_continues_from_it() {
    let Some(alembic) = alembic() else { return };
    let project = fixture("alembic/aurora");
    let db = Db::Pg(crate::support::PgDb::new());
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, stderr) = run_alembic(&alembic, &project, &db, &["upgrade", "3f2a9c1b7d4e"]);
    assert!(ok, "alembic upgrade: {stderr}");
    db.query("INSERT INTO chains (name, chain_id, is_active) VALUES ('ethereum', 1, TRUE), ('goerli', 5, FALSE)");

    let (code, stdout, stderr) = aurora(dir.path(), &db, &["current"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("3f2a9c1b7d4e"), "{stdout}");
    let (code, stdout, stderr) = aurora(dir.path(), &db, &["history"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("3f2a9c1b7d4e") && stdout.contains("8d1e6b0f2a57"),
        "{stdout}"
    );
    let (code, _, stderr) = aurora(dir.path(), &db, &["upgrade"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("recorded the checksums of 2 revision(s) another tool applied"),
        "{stderr}"
    );
    assert!(stderr.contains("3f2a9c1b7d4e -> 8d1e6b0f2a57"), "{stderr}");
    assert_eq!(
        db.query("SELECT name || ' ' || status::text FROM chains ORDER BY id"),
        ["ethereum active", "goerli paused"],
        "the data came through"
    );
    let (code, stdout, stderr) = aurora(dir.path(), &db, &["check"]);
    assert_eq!(
        code,
        Some(0),
        "the schema Alembic built matches the models: {stdout}{stderr}"
    );

    let (ok, stdout, stderr) = run_alembic(&alembic, &project, &db, &["current"]);
    assert!(
        ok && stdout.contains("8d1e6b0f2a57 (head)"),
        "{stdout}{stderr}"
    );
    let (ok, stdout, stderr) = run_alembic(&alembic, &project, &db, &["downgrade", "-1"]);
    assert!(ok, "alembic reverts what we applied: {stdout}{stderr}");
    let (code, stdout, _) = aurora(dir.path(), &db, &["current"]);
    assert!(
        code == Some(0) && stdout.contains("3f2a9c1b7d4e"),
        "{stdout}"
    );
    let (code, _, stderr) = aurora(dir.path(), &db, &["upgrade"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(heads(&db), ["8d1e6b0f2a57"]);
}

/// `import alembic` on Aurora's own Alembic scripts writes files that build on PostgreSQL the
/// very schema Aurora's migrations build, with nothing left to do.
#[test]
fn aurora_s_alembic_scripts_import_completely_and_build_the_same_schema() {
    let project = tempfile::tempdir().unwrap();
    let versions = fixture("alembic/aurora/versions");
    let output = crate::support::cli(project.path())
        .args(["import", "alembic"])
        .arg(&versions)
        .args(["--migrations-dir", "imported", "--format", "json"])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["files"].as_array().unwrap().len(), 3, "{report}");
    assert_eq!(
        report["todos"].as_array().unwrap().len(),
        0,
        "converted completely: {report}"
    );
    let imported = catalog_from_dir(&project.path().join("imported"));
    let theirs =
        scan::scan(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")).unwrap();
    for index in 0..theirs.graph.len() {
        let ours = theirs.graph.node(index);
        let found = (0..imported.graph().len())
            .map(|i| imported.graph().node(i))
            .find(|n| n.id == ours.id);
        assert_eq!(found, Some(ours), "the same revision, parents and labels");
    }
    let text = std::fs::read_to_string(
        project
            .path()
            .join("imported/3f2a9c1b7d4e_add_rpc_endpoint_to_chains_table.sql"),
    )
    .unwrap();
    assert!(text.contains("-- migrate:upgrade postgresql\nALTER TABLE chains ADD COLUMN rpc_endpoint VARCHAR(200);\n"), "{text}");
    assert!(
        text.contains(
            "-- migrate:downgrade postgresql\nALTER TABLE chains DROP COLUMN rpc_endpoint;\n"
        ),
        "{text}"
    );

    let (from_import, from_ours) = (
        crate::support::PgDb::new(),
        Db::Pg(crate::support::PgDb::new()),
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = DatabaseUrl::parse(&from_import.url).unwrap();
    runtime
        .block_on(
            Runner::new(&imported, url.clone(), Options::default())
                .unwrap()
                .upgrade(&Target::Head, &mut |_| {}),
        )
        .unwrap();
    let (code, _, stderr) = aurora(project.path(), &from_ours, &["upgrade"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(from_import.catalogue(), from_ours.catalogue());
    runtime
        .block_on(
            Runner::new(&imported, url, Options::default())
                .unwrap()
                .downgrade(&Target::Base, &mut |_| {}),
        )
        .unwrap();
    assert!(
        Db::Pg(from_import).tables().is_empty(),
        "the imported downgrades revert it all"
    );
}

/// The branched project (a label, two branches, a merge) imports into the graph our files
/// have, for every database, and runs on each.
#[tokio::test]
async fn a_branched_history_imports_into_the_same_graph_for_every_database() {
    let project = tempfile::tempdir().unwrap();
    let written = aurora_migrate::authoring::alembic::import(
        &fixture("alembic/project/versions"),
        &project.path().join("migrations"),
        &[Database::Postgres, Database::Sqlite, Database::Mysql],
    )
    .unwrap();
    assert_eq!(written.files.len(), 6);
    assert!(written.todos.is_empty());
    let imported = catalog_from_dir(&project.path().join("migrations"));
    let ours = catalog("alembic/migrations");
    let nodes = |c: &Catalog| {
        let mut nodes: Vec<_> = (0..c.graph().len())
            .map(|i| c.graph().node(i).clone())
            .collect();
        nodes.sort_by(|a, b| a.id.cmp(&b.id));
        nodes
    };
    assert_eq!(nodes(&imported), nodes(&ours));
    let again = aurora_migrate::authoring::alembic::import(
        &fixture("alembic/project/versions"),
        &project.path().join("migrations"),
        &[Database::Postgres],
    );
    let refused = again.unwrap_err().to_string();
    assert!(
        refused.contains("revision 4b2e8f1c9a01 (4b2e8f1c9a01_create_users.py) is in"),
        "{refused}"
    );
    for db in Db::all() {
        runner(&imported, &db)
            .upgrade(&Target::Heads, &mut |_| {})
            .await
            .unwrap();
        assert_eq!(heads(&db), ["f0e9d8c7b6a5"], "{}", db.name());
        runner(&imported, &db)
            .downgrade(&Target::Base, &mut |_| {})
            .await
            .unwrap();
    }
}

/// What is not converted stops the build at its line, and the command says where.
#[test]
fn what_is_not_converted_is_listed_and_stops_the_build_at_its_line() {
    let project = tempfile::tempdir().unwrap();
    let versions = project.path().join("versions");
    std::fs::create_dir(&versions).unwrap();
    std::fs::write(
        versions.join("aa11bb22cc33_seed.py"),
        "\"\"\"seed\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = 'aa11bb22cc33'\ndown_revision = None\n\n\ndef upgrade():\n    op.create_table('kinds', sa.Column('id', sa.Integer(), primary_key=True))\n    op.bulk_insert(kinds, [{'id': 1}])\n\n\ndef downgrade():\n    op.drop_table('kinds')\n",
    )
    .unwrap();
    let output = crate::support::cli(project.path())
        .args(["import", "alembic", "versions"])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stdout.trim(), "migrations/aa11bb22cc33_seed.sql");
    assert!(
        stderr.contains("migrations/aa11bb22cc33_seed.sql:12: to do: line 11: `op.bulk_insert` is not converted [op_not_converted]"),
        "{stderr}"
    );
    let faults = scan::scan(&project.path().join("migrations")).unwrap_err();
    assert_eq!(faults.len(), 1, "{faults:?}");
    assert!(
        faults[0]
            .to_string()
            .contains("aa11bb22cc33_seed.sql:12: left to do by hand after import"),
        "{}",
        faults[0]
    );

    // Into a directory that does not build, nothing more is imported.
    let output = crate::support::cli(project.path())
        .args(["import", "alembic", "versions"])
        .output()
        .unwrap();
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("fix the migrations directory first"),
        "{stderr}"
    );
}

fn catalog_from_dir(dir: &Path) -> Catalog {
    Catalog::from_scan(scan::scan(dir).unwrap_or_else(|f| panic!("{f:?}")))
}
