//! The production guard judges what a command would do, not how its target is spelled: any
//! downgrade whose plan reaches base or drops a table or column that holds rows, any `stamp`,
//! any `reset`, needs `--yes`; and production never falls back to the default database.

use std::path::Path;

use crate::support::{Db, cli, texts};

const HEAD: &str = "8d1e6b0f2a57";

/// The spellings of production that count, and names that do not.
const PRODUCTION: &[&str] = &["production", "prod", "PROD", "  Production ", "Prod\n"];
const NOT_PRODUCTION: &[&str] = &["staging", "production-eu", "dev", ""];

fn run(dir: &Path, db: &Db, environment: &str, args: &[&str]) -> (Option<i32>, String) {
    let output = cli(dir)
        .env("AURORA_ENV", environment)
        .args(["--database-url", db.url()])
        .args(args)
        .output()
        .expect("run");
    let (stdout, stderr) = texts(&output);
    (output.status.code(), format!("{stdout}{stderr}"))
}

fn rows(db: &Db) -> Vec<String> {
    let mut rows = db.query("SELECT version_num FROM alembic_version");
    rows.sort();
    rows
}

#[test]
fn every_plan_that_reaches_base_is_guarded_whatever_its_spelling() {
    for db in Db::all() {
        let dir = tempfile::tempdir().expect("dir");
        for (i, environment) in PRODUCTION.iter().enumerate() {
            assert_eq!(run(dir.path(), &db, environment, &["upgrade"]).0, Some(0));
            let guarded: &[&[&str]] = &[
                &["downgrade", "base"],
                &["downgrade", "--", "-3"],
                &["downgrade", "-3"],
                &["downgrade", "cec3a80e61a4@base"],
                &["downgrade", "cec3@base"],
                &["reset"],
                &["reset", "--database-url", db.url()],
                &["stamp", "base"],
                &["stamp", "head"],
                &["stamp", "--purge", HEAD],
            ];
            for args in guarded {
                let (code, text) = run(dir.path(), &db, environment, args);
                assert_eq!(
                    code,
                    Some(2),
                    "{} {environment:?} {args:?}: {text}",
                    db.name()
                );
                assert!(text.contains("needs --yes"), "{args:?}: {text}");
                assert_eq!(rows(&db), [HEAD], "{args:?} changed nothing");
            }
            // A step down over empty tables destroys nothing.
            assert_eq!(
                run(dir.path(), &db, environment, &["downgrade", "-1"]).0,
                Some(0)
            );
            if i % 2 == 0 {
                assert_eq!(
                    run(
                        dir.path(),
                        &db,
                        environment,
                        &["downgrade", "base", "--yes"]
                    )
                    .0,
                    Some(0)
                );
                assert!(rows(&db).is_empty());
            } else {
                assert_eq!(
                    run(dir.path(), &db, environment, &["reset", "--yes"]).0,
                    Some(0)
                );
                assert_eq!(rows(&db), [HEAD]);
                assert_eq!(
                    run(dir.path(), &db, environment, &["downgrade", "-2", "--yes"]).0,
                    Some(0)
                );
            }
        }
    }
}

#[test]
fn a_downgrade_that_drops_data_is_guarded_and_one_that_does_not_is_not() {
    for db in Db::all() {
        let dir = tempfile::tempdir().expect("dir");
        assert_eq!(run(dir.path(), &db, "prod", &["upgrade"]).0, Some(0));
        db.query("INSERT INTO chains (name, chain_id) VALUES ('ethereum', 1)");
        for args in [
            &["downgrade", "-1"][..],
            &["downgrade", "3f2a9c1b7d4e"],
            &["downgrade", "8d1e-1"],
        ] {
            let (code, text) = run(dir.path(), &db, "prod", args);
            assert_eq!(code, Some(2), "{} {args:?}: {text}", db.name());
            assert!(
                text.contains(
                    "8d1e6b0f2a57 (migrations/8d1e6b0f2a57_replace_chains_is_active_by_status.sql:"
                ) && text.contains("drops column chains.status, which holds rows"),
                "{text}"
            );
            assert_eq!(rows(&db), [HEAD]);
        }
        // Elsewhere than production nothing asks.
        for environment in NOT_PRODUCTION {
            assert_eq!(
                run(dir.path(), &db, environment, &["downgrade", "-1"]).0,
                Some(0)
            );
            assert_eq!(run(dir.path(), &db, environment, &["upgrade"]).0, Some(0));
        }
        assert_eq!(
            run(dir.path(), &db, "prod", &["downgrade", "-1", "--yes"]).0,
            Some(0),
            "--yes confirms"
        );
        db.query("DELETE FROM chains");
        // 3f2a drops chains.rpc_endpoint: now there are no rows to lose.
        assert_eq!(
            run(dir.path(), &db, "prod", &["downgrade", "-1"]).0,
            Some(0)
        );
    }
}

#[test]
fn production_without_a_database_url_is_an_error_not_the_default_database() {
    let dir = tempfile::tempdir().expect("dir");
    for environment in PRODUCTION {
        for args in [
            &["upgrade"][..],
            &["-q", "upgrade"],
            &["--format", "json", "upgrade"],
            &["current"],
        ] {
            let output = cli(dir.path())
                .env("AURORA_ENV", environment)
                .args(args)
                .output()
                .expect("run");
            let (stdout, stderr) = texts(&output);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stdout}{stderr}");
            assert!(
                stderr.contains("no database URL is set and the environment is production"),
                "{stderr}"
            );
            if args.contains(&"json") {
                let document: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
                assert_eq!(document["error"]["code"], "no_database_url");
            }
            assert!(
                !dir.path().join("aurora.db").exists(),
                "nothing was migrated"
            );
        }
    }
}

#[test]
fn the_default_database_is_announced_even_with_quiet_and_named_in_json() {
    let dir = tempfile::tempdir().expect("dir");
    let output = cli(dir.path())
        .args(["-q", "upgrade"])
        .output()
        .expect("run");
    let (_, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("using the default database sqlite://aurora.db"),
        "{stderr}"
    );
    let output = cli(dir.path())
        .args(["--format", "json", "current"])
        .output()
        .expect("run");
    let (stdout, stderr) = texts(&output);
    let document: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(
        document["database"],
        serde_json::json!({ "url": "sqlite://aurora.db", "source": "default" }),
        "{stdout}{stderr}"
    );
    let output = cli(dir.path())
        .env("DATABASE_URL", "sqlite://other.db")
        .args(["--format", "json", "upgrade"])
        .output()
        .expect("run");
    let document: serde_json::Value = serde_json::from_str(&texts(&output).0).expect("JSON");
    assert_eq!(document["database"]["source"], "environment");
    std::fs::write(dir.path().join(".env"), "DATABASE_URL=sqlite://dotenv.db\n").expect(".env");
    let output = cli(dir.path())
        .args(["--format", "json", "upgrade"])
        .output()
        .expect("run");
    let document: serde_json::Value = serde_json::from_str(&texts(&output).0).expect("JSON");
    assert_eq!(document["database"]["source"], ".env");
    assert_eq!(document["database"]["url"], "sqlite://dotenv.db");
}
