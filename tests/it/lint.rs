//! `lint` through the binary and the library: Aurora's migrations lint clean (with reasoned
//! suppressions), the files on disk are linted before a rebuild (and the difference is said),
//! downgrades too, `--fail-on` sets what fails, a named database narrows the lint to what it
//! has not applied, `--with-stats` reads table sizes in one query and judges by them, `check
//! --lint` lints too. On PostgreSQL, SQLite and MariaDB. (The rules themselves are held by the
//! corpus in the engine's tests.)

use aurora_migrate::lint::{self, Selection, Severity};
use aurora_migrate::{DatabaseUrl, Options, Runner};

use crate::support::{Db, aurora, catalog_of, cli, project_migrations, texts};

#[test]
fn auroras_migrations_lint_clean_with_reasoned_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    let output = cli(dir.path()).args(["lint"]).output().unwrap();
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(
        stdout.trim(),
        "lint: 3 migration(s), 51 statement(s) for postgresql, sqlite, mysql: 0 error(s), 0 warning(s), 0 info(s), 6 suppressed"
    );
    let output = cli(dir.path())
        .args(["lint", "--format", "json", "-v"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = value["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .all(|f| f["suppressed"].as_str().is_some_and(|r| r.len() > 20)),
        "{value}"
    );
    assert_eq!(findings.len(), 6, "{value}");
    assert_eq!(findings[0]["databases"], serde_json::json!(["postgresql"]));
}

#[test]
fn a_named_database_narrows_the_lint_to_what_it_has_not_applied() {
    let dir = tempfile::tempdir().unwrap();
    for db in Db::all() {
        let name = db.name();
        assert_eq!(
            aurora(dir.path(), &db, &["upgrade", "3f2a9c1b7d4e"]).0,
            Some(0)
        );
        let (code, stdout, stderr) = aurora(dir.path(), &db, &["lint"]);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        assert!(
            stdout.starts_with("lint: 1 migration(s), ")
                && stdout.contains(&format!(" for {name}: ")),
            "{name}: {stdout}"
        );
        let (_, all, _) = aurora(dir.path(), &db, &["lint", "--all"]);
        assert!(all.starts_with("lint: 3 migration(s)"), "{name}: {all}");
        let (code, stdout, stderr) = aurora(dir.path(), &db, &["check", "--lint"]);
        assert_eq!(code, Some(1), "{name}: behind, so check fails: {stdout}");
        assert!(stderr.contains("lint: 3 migration(s)"), "{name}: {stderr}");
    }
}

#[tokio::test]
async fn with_stats_reads_every_table_size_at_once_and_judges_by_it() {
    let (_dir, fixture) = catalog_of("beyond", &["r1", "r2", "r3", "r4"]);
    for db in Db::all() {
        let name = db.name();
        let runner = Runner::new(
            &fixture,
            DatabaseUrl::parse(db.url()).unwrap(),
            Options::default(),
        )
        .unwrap();
        runner
            .upgrade(&aurora_migrate::Target::parse("r2").unwrap(), &mut |_| {})
            .await
            .unwrap();
        db.query("INSERT INTO t_orders (id, account_id) VALUES (1, 1), (2, 1), (3, 2)");
        match name {
            "postgresql" => {
                db.query("ANALYZE t_orders");
            }
            "mysql" => {
                db.query("ANALYZE TABLE t_orders");
            }
            _ => {}
        }
        let sizes = runner.table_sizes().await.unwrap();
        let orders = sizes
            .iter()
            .find(|s| s.table == "t_orders")
            .expect("t_orders");
        assert_eq!(orders.rows, Some(3), "{name}: {sizes:?}");
        assert!(
            !sizes.iter().any(|s| s.table.starts_with("alembic_version")),
            "{name}"
        );
        let stats: lint::Stats = sizes
            .into_iter()
            .map(|s| {
                (
                    s.table,
                    lint::TableSize {
                        rows: s.rows,
                        bytes: s.bytes,
                    },
                )
            })
            .collect();
        // r3 indexes t_orders: on PostgreSQL a blocking build, judged with the table's size:
        // three rows are indexed before anyone waits, so it is no warning.
        let report = lint::lint_catalog(
            &fixture,
            &Selection::Revisions(vec![2]),
            &[runner.kind()],
            Some(&stats),
        )
        .unwrap();
        if name == "postgresql" {
            let finding = &report.entries[0].finding;
            assert_eq!(finding.rule.code, "L001", "{report:?}");
            assert_eq!(finding.severity, Severity::Info);
            assert!(
                finding.why.contains("(t_orders: ") && finding.why.ends_with("3 rows)"),
                "{}",
                finding.why
            );
        }
    }
}

/// A migration after Aurora's head, written since the build: its upgrade raises a warning
/// only (a blocking index), its downgrade destroys rows.
const NEW_MIGRATION: &str = "-- Index chains by name\n--\n-- Revision ID: 77aa00000001\n-- Revises: 8d1e6b0f2a57\n\n\
-- migrate:upgrade postgresql\nCREATE INDEX ix_chains_name ON chains (name);\n\n\
-- migrate:downgrade postgresql\nDROP INDEX CONCURRENTLY ix_chains_name;\nTRUNCATE chains;\n";

fn lint_in(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = cli(dir).arg("lint").args(args).output().unwrap();
    let (stdout, stderr) = texts(&output);
    (output.status.code(), stdout, stderr)
}

#[test]
fn the_files_on_disk_are_linted_before_a_rebuild_and_the_difference_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = project_migrations(dir.path());
    // The same files as the build: no note, the same lint as the embedded one.
    let (code, stdout, stderr) = lint_in(dir.path(), &["--dialect", "postgresql"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(!stderr.contains("differs"), "{stderr}");
    std::fs::write(
        migrations.join("77aa00000001_index_chains_by_name.sql"),
        NEW_MIGRATION,
    )
    .unwrap();
    let (code, stdout, stderr) = lint_in(dir.path(), &["--dialect", "postgresql"]);
    assert_eq!(
        code,
        Some(1),
        "the downgrade's error fails: {stdout}{stderr}"
    );
    assert!(
        stderr.contains(
            "migrations differs from the migrations this binary embeds (new: 77aa00000001)"
        ) && stderr.contains("lint reads the files on disk, rebuild to embed them"),
        "{stderr}"
    );
    assert!(
        stdout.contains("migrations/77aa00000001_index_chains_by_name.sql:7: warning L001 ")
            && stdout.contains(":10: error L003 concurrently-in-transaction (postgresql) in 77aa00000001 (downgrade)")
            && stdout.contains(":11: warning L022 truncate (postgresql) in 77aa00000001 (downgrade)"),
        "{stdout}"
    );
    // A changed file is said too, and JSON names the source and each finding's direction.
    let initial = migrations.join("cec3a80e61a4_initial_schema.sql");
    let text = std::fs::read_to_string(&initial).unwrap();
    std::fs::write(&initial, format!("{text}\n-- a comment\n")).unwrap();
    let output = cli(dir.path())
        .args(["lint", "--dialect", "postgresql", "--format", "json"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["source"]["from"], "disk", "{value}");
    assert_eq!(
        value["source"]["differs"]["new"],
        serde_json::json!(["77aa00000001"])
    );
    assert_eq!(
        value["source"]["differs"]["changed"],
        serde_json::json!(["cec3a80e61a4"])
    );
    let directions: Vec<&str> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["revision"] == "77aa00000001")
        .map(|f| f["direction"].as_str().unwrap())
        .collect();
    assert_eq!(directions, ["upgrade", "downgrade", "downgrade"], "{value}");
    // --embedded lints what the binary carries; a directory that is not there is refused.
    let (code, stdout, stderr) = lint_in(dir.path(), &["--embedded", "--dialect", "postgresql"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        !stdout.contains("77aa") && !stderr.contains("differs"),
        "{stdout}{stderr}"
    );
    let (code, _, stderr) = lint_in(dir.path(), &["--migrations-dir", "nowhere"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("nowhere is not a directory"), "{stderr}");
    // A broken file is named, as the build names it.
    std::fs::write(
        migrations.join("88bb00000001_broken.sql"),
        "-- Broken\n-- Revision ID: 88bb00000001\n",
    )
    .unwrap();
    let (code, _, stderr) = lint_in(dir.path(), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("88bb00000001_broken.sql"), "{stderr}");
}

#[test]
fn a_rust_migration_written_since_the_build_is_named_as_not_linted() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = project_migrations(dir.path());
    let rust = migrations.join("3f2a9c1b7d4e_add_rpc_endpoint_to_chains_table.rs");
    let text = std::fs::read_to_string(&rust).unwrap();
    std::fs::write(&rust, format!("{text}\n// changed\n")).unwrap();
    let (code, stdout, stderr) = lint_in(dir.path(), &[]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stderr.contains("(changed: 3f2a9c1b7d4e)")
            && stderr.contains("3f2a9c1b7d4e_add_rpc_endpoint_to_chains_table.rs is a Rust migration this build does not carry: it is not linted until a rebuild embeds it"),
        "{stderr}"
    );
}

#[test]
fn fail_on_sets_the_least_severity_that_fails() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = project_migrations(dir.path());
    // The upgrade's blocking index alone: a warning.
    let warning_only = NEW_MIGRATION.replace(
        "DROP INDEX CONCURRENTLY ix_chains_name;\nTRUNCATE chains;",
        "DROP INDEX ix_chains_name;",
    );
    std::fs::write(
        migrations.join("77aa00000001_index_chains_by_name.sql"),
        warning_only,
    )
    .unwrap();
    let pg = ["--dialect", "postgresql"];
    assert_eq!(
        lint_in(dir.path(), &pg).0,
        Some(0),
        "warnings pass by default"
    );
    for (least, code) in [("error", 0), ("warning", 1), ("info", 1)] {
        let (got, stdout, stderr) =
            lint_in(dir.path(), &["--dialect", "postgresql", "--fail-on", least]);
        assert_eq!(got, Some(code), "--fail-on {least}: {stdout}{stderr}");
        if code == 1 {
            assert!(
                stderr.contains(&format!("lint found 1 finding(s) at {least} or worse")),
                "{stderr}"
            );
        }
    }
    let (code, _, stderr) = lint_in(dir.path(), &["--fail-on", "warnings"]);
    assert_eq!(code, Some(2), "{stderr}");
    // Suppressed findings never fail.
    let allowed = std::fs::read_to_string(migrations.join("77aa00000001_index_chains_by_name.sql"))
        .unwrap()
        .replace(
            "CREATE INDEX",
            "-- lint: allow L001 chains holds one row per network\nCREATE INDEX",
        );
    std::fs::write(
        migrations.join("77aa00000001_index_chains_by_name.sql"),
        allowed,
    )
    .unwrap();
    assert_eq!(
        lint_in(
            dir.path(),
            &["--dialect", "postgresql", "--fail-on", "info"]
        )
        .0,
        Some(0)
    );
}
