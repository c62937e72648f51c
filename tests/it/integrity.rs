//! Checksums, unknown revisions, stamp, reset, and continuing a database Alembic manages.

use crate::support::{Db, cli, texts};

const HEAD: &str = "8d1e6b0f2a57";

fn run(db: &Db, args: &[&str]) -> (bool, String, String) {
    let dir = tempfile::tempdir().expect("dir");
    let output = cli(dir.path())
        .args(["--database-url", db.url()])
        .args(args)
        .output()
        .expect("run");
    let (stdout, stderr) = texts(&output);
    (output.status.success(), stdout, stderr)
}

#[test]
fn a_changed_checksum_stops_upgrade_downgrade_and_check() {
    for db in Db::all() {
        assert!(run(&db, &["upgrade"]).0);
        db.query("UPDATE alembic_version_aurora_log SET checksum = 'abc' WHERE revision = 'cec3a80e61a4'");
        for args in [&["upgrade"][..], &["downgrade", "-1"], &["check"]] {
            let (ok, stdout, stderr) = run(&db, args);
            assert!(!ok, "{} {args:?} must refuse", db.name());
            let text = format!("{stdout}{stderr}");
            assert!(
                text.contains("cec3a80e61a4") && text.contains("changed after it was applied"),
                "{text}"
            );
        }
        assert_eq!(
            db.query("SELECT version_num FROM alembic_version"),
            [HEAD],
            "nothing changed"
        );
        assert!(
            run(&db, &["stamp", HEAD]).0,
            "stamp records the embedded checksums again"
        );
        let (ok, stdout, _) = run(&db, &["check"]);
        assert!(ok && stdout.contains("3 checksum(s) verified"), "{stdout}");
    }
}

#[test]
fn a_revision_unknown_to_this_build_is_refused() {
    for db in Db::all() {
        assert!(run(&db, &["upgrade"]).0);
        db.query("INSERT INTO alembic_version (version_num) VALUES ('ffffffffffff')");
        let (ok, _, stderr) = run(&db, &["upgrade"]);
        assert!(
            !ok && stderr.contains("ffffffffffff, which this build does not contain"),
            "{stderr}"
        );
        let (ok, _, stderr) = run(&db, &["stamp", "head"]);
        assert!(!ok && stderr.contains("ffffffffffff"), "{stderr}");
        assert!(run(&db, &["stamp", "--purge", "head"]).0);
        assert_eq!(db.query("SELECT version_num FROM alembic_version"), [HEAD]);
    }
}

#[test]
fn stamp_moves_the_version_table_without_running_anything() {
    for db in Db::all() {
        let (ok, stdout, _) = run(&db, &["stamp", "head"]);
        assert!(
            ok && stdout.contains(&format!("stamped {HEAD}")),
            "{stdout}"
        );
        let chains: Vec<String> = db.tables().into_iter().filter(|t| t == "chains").collect();
        assert!(chains.is_empty(), "{}: stamp runs no migration", db.name());
        assert!(run(&db, &["stamp", "cec3a80e61a4"]).0);
        assert_eq!(
            db.query("SELECT version_num FROM alembic_version"),
            ["cec3a80e61a4"]
        );
        assert!(run(&db, &["stamp", "base"]).0);
        assert!(
            db.query("SELECT version_num FROM alembic_version")
                .is_empty()
        );
        assert!(
            db.query("SELECT revision FROM alembic_version_aurora_log")
                .is_empty()
        );
    }
}

#[test]
fn reset_reverts_everything_then_applies_everything() {
    for db in Db::all() {
        assert!(run(&db, &["upgrade"]).0);
        db.query("INSERT INTO chains (name, chain_id) VALUES ('ethereum', 1)");
        let (ok, _, stderr) = run(&db, &["reset"]);
        assert!(!ok && stderr.contains("pass --yes"), "{stderr}");
        assert_eq!(
            db.query("SELECT name FROM chains"),
            ["ethereum"],
            "a refused reset changes nothing"
        );
        let (ok, _, stderr) = run(&db, &["reset", "--yes"]);
        assert!(ok, "{stderr}");
        assert!(
            stderr.contains("reverts 3 applied migration(s)")
                && stderr.contains("(the database now holds the tables chains, tokens, wallets)"),
            "{stderr}"
        );
        assert!(db.query("SELECT name FROM chains").is_empty());
        assert_eq!(db.query("SELECT version_num FROM alembic_version"), [HEAD]);
    }
}

#[test]
fn a_database_alembic_manages_is_continued() {
    for db in Db::all() {
        assert!(run(&db, &["upgrade", "cec3a80e61a4"]).0);
        // Alembic keeps only alembic_version: no log, so no checksums to judge.
        db.query("DELETE FROM alembic_version_aurora_log");
        let (ok, _, stderr) = run(&db, &["upgrade"]);
        assert!(ok, "{stderr}");
        assert!(
            stderr.contains("upgrade cec3a80e61a4 -> 3f2a9c1b7d4e"),
            "{stderr}"
        );
        assert_eq!(db.query("SELECT version_num FROM alembic_version"), [HEAD]);
        // The revision Alembic applied has its checksum from the first run on: it is judged.
        let logged = db.query("SELECT revision FROM alembic_version_aurora_log ORDER BY revision");
        assert_eq!(logged.len(), 3, "{}: {logged:?}", db.name());
        db.query("UPDATE alembic_version_aurora_log SET checksum = 'altered' WHERE revision = 'cec3a80e61a4'");
        let (ok, _, stderr) = run(&db, &["upgrade"]);
        assert!(!ok && stderr.contains("cec3a80e61a4"), "{stderr}");
    }
}

#[test]
fn the_first_run_records_the_checksums_of_what_alembic_applied_even_with_nothing_to_do() {
    for db in Db::all() {
        assert!(run(&db, &["upgrade"]).0);
        db.query("DROP TABLE alembic_version_aurora_log");
        let (ok, stdout, stderr) = run(&db, &["check"]);
        assert!(
            !ok && stdout.contains("the next `aurora-migrate upgrade` records their checksums"),
            "{stdout}{stderr}"
        );
        let (ok, _, stderr) = run(&db, &["upgrade"]);
        assert!(ok, "{stderr}");
        assert!(
            stderr.contains("recorded the checksums of 3 revision(s) another tool applied"),
            "{stderr}"
        );
        let (ok, _, stderr) = run(&db, &["check"]);
        assert!(ok, "{}: {stderr}", db.name());
    }
}
