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

/// r1 creates a table (with, on PostgreSQL, a column of an enum type) that the test fills;
/// r2's downgrade is the statement under judgement.
fn guarded_catalog(db: &Db, downgrade: &str) -> (tempfile::TempDir, aurora_migrate::Catalog) {
    let dir = tempfile::tempdir().expect("dir");
    let (kind, create) = match db {
        Db::Pg(_) => (
            "CREATE TYPE chain_kind AS ENUM ('evm', 'utxo');\n",
            "CREATE TABLE wallets (id INT PRIMARY KEY, balance NUMERIC(20, 4), note VARCHAR(40), kind chain_kind);",
        ),
        _ => (
            "",
            "CREATE TABLE wallets (id INT PRIMARY KEY, balance NUMERIC(20, 4), note VARCHAR(40));",
        ),
    };
    let r1 = format!(
        "-- Wallets\n--\n-- Revision ID: r1\n-- Revises:\n\n-- migrate:upgrade\n{kind}{create}\n\n\
         -- migrate:downgrade\nDROP TABLE wallets;\n"
    );
    let r2 = format!(
        "-- Archive\n--\n-- Revision ID: r2\n-- Revises: r1\n\n-- migrate:upgrade\n\
         CREATE TABLE archive (id INT);\n\n-- migrate:downgrade\nDROP TABLE archive;\n{downgrade};\n"
    );
    std::fs::write(dir.path().join("r1_wallets.sql"), r1).expect("r1");
    std::fs::write(dir.path().join("r2_archive.sql"), r2).expect("r2");
    let scanned = aurora_migrate::migrations::source::scan::scan(dir.path()).expect("scan");
    (dir, aurora_migrate::Catalog::from_scan(scanned))
}

#[tokio::test]
async fn the_guard_judges_what_a_downgrade_statement_destroys_not_its_first_word() {
    use aurora_migrate::{DatabaseUrl, Error, Options, Runner, Target};
    // (statement, what the refusal says); each runs in a downgrade over a table with rows.
    let pg: &[(&str, &str)] = &[
        (
            "WITH d AS (DELETE FROM wallets RETURNING 1) SELECT count(*) FROM d",
            "deletes every row of wallets, which holds rows",
        ),
        (
            "DROP TYPE chain_kind CASCADE",
            "drops type chain_kind with CASCADE, and with it every column of that type: public.wallets.kind, which hold rows",
        ),
        (
            "ALTER TABLE wallets ALTER COLUMN balance TYPE INT USING balance::int",
            "converts the values of wallets.balance to another type, which holds rows",
        ),
        (
            "UPDATE wallets SET note = NULL",
            "overwrites every row of wallets",
        ),
        (
            "MERGE INTO wallets w USING archive a ON w.id = a.id WHEN MATCHED THEN DELETE",
            "merges into wallets",
        ),
        (
            "INSERT INTO wallets (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET note = 'x'",
            "overwrites the rows of wallets it conflicts with",
        ),
        (
            "DROP SCHEMA IF EXISTS public CASCADE",
            "drops schema public and everything in it",
        ),
        (
            "DO $$ BEGIN DELETE FROM wallets; END $$",
            "cannot be judged (the postgresql SQL parser cannot read it",
        ),
        (
            "SELECT purge_wallets()",
            "it calls purge_wallets(), whose effects cannot be seen",
        ),
        (
            "ALTER TABLE wallets ADD COLUMN x INT, DROP COLUMN note",
            "drops column wallets.note",
        ),
    ];
    let mysql: &[(&str, &str)] = &[
        (
            "DELETE w FROM wallets w",
            "deletes every row of wallets, which holds rows",
        ),
        (
            "REPLACE INTO wallets (id, note) VALUES (1, 'x')",
            "replaces the rows of wallets it conflicts with",
        ),
        (
            "ALTER TABLE wallets MODIFY COLUMN note VARCHAR(2)",
            "converts the values of wallets.note to another type",
        ),
        ("CALL purge_wallets()", "it calls procedure purge_wallets"),
        (
            "DROP DATABASE IF EXISTS elsewhere",
            "drops database elsewhere and everything in it",
        ),
    ];
    let sqlite: &[(&str, &str)] = &[
        (
            "INSERT OR REPLACE INTO wallets (id, note) VALUES (1, 'x')",
            "replaces the rows of wallets it conflicts with",
        ),
        (
            "UPDATE wallets SET note = upper(note)",
            "overwrites every row of wallets",
        ),
        ("SELECT purge_wallets()", "it calls purge_wallets()"),
    ];
    for server in Db::all() {
        let cases = match server {
            Db::Pg(_) => pg,
            Db::Mysql(_) => mysql,
            Db::Sqlite(_) => sqlite,
        };
        for (statement, says) in cases {
            let db = server.another();
            let (_dir, catalog) = guarded_catalog(&db, statement);
            let url = || DatabaseUrl::parse(db.url()).unwrap();
            let plain = Runner::new(&catalog, url(), Options::default()).unwrap();
            plain.upgrade(&Target::Heads, &mut |_| {}).await.unwrap();
            db.query("INSERT INTO wallets (id, balance, note) VALUES (1, 2.5, 'first')");
            let options = Options::default().with_refuse_data_loss(true);
            let guarded = Runner::new(&catalog, url(), options).unwrap();
            let refused = guarded
                .downgrade(&Target::parse("r1").unwrap(), &mut |_| {})
                .await;
            let name = server.name();
            let Err(Error::DataLoss { reasons }) = &refused else {
                panic!("{name}: {statement}: ran without confirmation: {refused:?}");
            };
            assert!(
                reasons.iter().any(|r| r.starts_with("r2 (")
                    && r.contains("r2_archive.sql:")
                    && r.contains(says)),
                "{name}: {statement}: {reasons:?}"
            );
            assert_eq!(
                db.query("SELECT version_num FROM alembic_version"),
                ["r2"],
                "{name}: {statement}: nothing changed"
            );
            assert_eq!(db.query("SELECT note FROM wallets"), ["first"], "{name}");
        }
    }
}

#[tokio::test]
async fn a_type_dropped_with_cascade_is_judged_by_the_rows_of_the_columns_it_takes() {
    use aurora_migrate::{DatabaseUrl, Options, Runner, Target};
    let db = Db::Pg(crate::support::PgDb::new());
    let (_dir, catalog) = guarded_catalog(&db, "DROP TYPE chain_kind CASCADE");
    let url = || DatabaseUrl::parse(db.url()).unwrap();
    let plain = Runner::new(&catalog, url(), Options::default()).unwrap();
    plain.upgrade(&Target::Heads, &mut |_| {}).await.unwrap();
    // No row holds a value of the type: nothing is lost, nothing is asked.
    let options = Options::default().with_refuse_data_loss(true);
    let guarded = Runner::new(&catalog, url(), options).unwrap();
    guarded
        .downgrade(&Target::parse("r1").unwrap(), &mut |_| {})
        .await
        .expect("the type's only column is in an empty table");
    assert_eq!(db.query("SELECT version_num FROM alembic_version"), ["r1"]);
}
