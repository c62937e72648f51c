//! The real Alembic beside us on one database: Alembic (from PyPI, in a virtual environment)
//! upgrades with Python migrations whose revision ids and SQL match our files, branches and a
//! merge included; we read `current` and `history` and continue with `upgrade`, recording the
//! checksums of what Alembic applied; then Alembic reads what we left and downgrades from it.
//! On PostgreSQL, SQLite and MariaDB.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use aurora_migrate::{Catalog, DatabaseUrl, Options, Runner, Target};

use crate::support::{Db, aurora, catalog, fixture, texts};

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

fn runner<'c>(catalog: &'c Catalog, db: &Db) -> Runner<'c> {
    Runner::new(
        catalog,
        DatabaseUrl::parse(db.url()).unwrap(),
        Options::default(),
    )
    .unwrap()
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
        let status = runner(&catalog, &db).status().await.unwrap();
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
