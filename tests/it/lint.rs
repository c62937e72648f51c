//! `lint` through the binary and the library: Aurora's migrations lint clean (with reasoned
//! suppressions), a named database narrows the lint to what it has not applied, `--with-stats`
//! reads table sizes in one query and judges by them, `check --lint` lints too. On PostgreSQL,
//! SQLite and MariaDB. (The rules themselves are held by the corpus in the engine's tests.)

use aurora_migrate::lint::{self, Selection, Severity};
use aurora_migrate::{DatabaseUrl, Options, Runner};

use crate::support::{Db, aurora, catalog_of, cli, texts};

#[test]
fn auroras_migrations_lint_clean_with_reasoned_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    let output = cli(dir.path()).args(["lint"]).output().unwrap();
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(
        stdout.trim(),
        "lint: 3 migration(s), 27 statement(s) for postgresql, sqlite, mysql: 0 error(s), 0 warning(s), 0 info(s), 6 suppressed"
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
        // r3 indexes t_orders: on PostgreSQL a blocking build, judged with the table's size.
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
            assert_eq!(finding.severity, Severity::Warning);
            assert!(
                finding.why.contains("(t_orders: ") && finding.why.ends_with("3 rows)"),
                "{}",
                finding.why
            );
        }
    }
}
