//! Rolling back from the binary that is running: an older build reverts the revisions it does
//! not contain from the downgrades the log stored, readiness tells expand revisions from the
//! rest, a record that is missing or altered is refused, and a log an older build created gains
//! the record columns. On PostgreSQL, SQLite and MariaDB, through the library and the binary.

use aurora_migrate::error::{BeyondError, Error};
use aurora_migrate::runner::State;
use aurora_migrate::{Catalog, Target};

use crate::support::{Db, aurora, catalog_of, cli, project_migrations, runner, texts};

const ALL: [&str; 4] = ["r1", "r2", "r3", "r4"];

fn target(text: &str) -> Target {
    Target::parse(text).unwrap()
}

fn revisions(run: &aurora_migrate::runner::Run) -> Vec<&str> {
    run.steps.iter().map(|s| s.revision.as_str()).collect()
}

#[tokio::test]
async fn an_older_build_reverts_what_it_does_not_contain_from_the_stored_downgrades() {
    let (_new_dir, new) = catalog_of("beyond", &ALL);
    let (_old_dir, old) = catalog_of("beyond", &["r1", "r2"]);
    for db in Db::all() {
        let name = db.name();
        let reference = db.another();
        runner(&old, &reference)
            .upgrade(&Target::Heads, &mut |_| {})
            .await
            .unwrap();

        runner(&new, &db)
            .upgrade(&Target::Heads, &mut |_| {})
            .await
            .unwrap();
        let standing = runner(&old, &db).standing().await.unwrap();
        assert_eq!(standing.state(), State::AheadIncompatible, "{name}");
        assert_eq!(standing.incompatible(), ["r4"], "{name}");
        assert!(standing.pending.is_empty(), "{name}: r1 and r2 are applied");
        let refused = runner(&old, &db).upgrade(&Target::Heads, &mut |_| {}).await;
        assert!(
            matches!(refused, Err(Error::UnknownRevision(ref r)) if r == "r4"),
            "{name}: {refused:?}"
        );

        let run = runner(&old, &db)
            .downgrade(&Target::Heads, &mut |_| {})
            .await
            .unwrap();
        assert_eq!(revisions(&run), ["r4", "r3"], "{name}");
        assert_eq!(run.current, ["r2"], "{name}");
        assert_eq!(
            db.catalogue(),
            reference.catalogue(),
            "{name}: the old build's schema, exactly"
        );
        let mut logged = db.query("SELECT revision FROM alembic_version_aurora_log");
        logged.sort();
        assert_eq!(logged, ["r1", "r2"], "{name}");
        let standing = runner(&old, &db).standing().await.unwrap();
        assert_eq!(standing.state(), State::AtHeads, "{name}");

        let run = runner(&new, &db)
            .upgrade(&Target::Heads, &mut |_| {})
            .await
            .unwrap();
        assert_eq!(
            revisions(&run),
            ["r3", "r4"],
            "{name}: the new build goes up again"
        );
    }
}

#[tokio::test]
async fn a_database_ahead_only_by_expand_revisions_is_ready_for_the_older_build() {
    let (_new_dir, new) = catalog_of("beyond", &ALL);
    let (_old_dir, old) = catalog_of("beyond", &["r1", "r2"]);
    for db in Db::all() {
        let name = db.name();
        runner(&new, &db)
            .upgrade(&target("r3"), &mut |_| {})
            .await
            .unwrap();
        let standing = runner(&old, &db).standing().await.unwrap();
        assert_eq!(standing.state(), State::AheadCompatible, "{name}");
        assert!(standing.is_ready(), "{name}");
        runner(&new, &db)
            .upgrade(&Target::Heads, &mut |_| {})
            .await
            .unwrap();
        let standing = runner(&old, &db).standing().await.unwrap();
        assert_eq!(standing.state(), State::AheadIncompatible, "{name}");
        assert!(!standing.is_ready(), "{name}");
        // A revision down to which the old build reverts may be named, as well as `heads`.
        let run = runner(&old, &db)
            .downgrade(&target("r1"), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(revisions(&run), ["r4", "r3", "r2"], "{name}");
    }
}

#[tokio::test]
async fn a_missing_or_altered_stored_downgrade_is_refused_and_nothing_changes() {
    let (_new_dir, new) = catalog_of("beyond", &ALL);
    let (_old_dir, old) = catalog_of("beyond", &["r1", "r2"]);
    for db in Db::all() {
        let name = db.name();
        runner(&new, &db)
            .upgrade(&Target::Heads, &mut |_| {})
            .await
            .unwrap();
        let before = (
            db.catalogue(),
            db.query("SELECT version_num FROM alembic_version"),
        );

        db.query("UPDATE alembic_version_aurora_log SET downgrade = 'DROP TABLE t_orders' WHERE revision = 'r3'");
        let refused = runner(&old, &db)
            .downgrade(&Target::Heads, &mut |_| {})
            .await;
        assert!(
            matches!(refused, Err(Error::Beyond(BeyondError::Altered { ref revision })) if revision == "r3"),
            "{name}: {refused:?}"
        );
        db.query("UPDATE alembic_version_aurora_log SET parents = NULL WHERE revision = 'r4'");
        let refused = runner(&old, &db)
            .downgrade(&Target::Heads, &mut |_| {})
            .await;
        let message = refused.as_ref().map_err(|e| e.to_string()).unwrap_err();
        assert!(
            matches!(refused, Err(Error::Beyond(BeyondError::NoRecord { ref revision })) if revision == "r4"),
            "{name}: {message}"
        );
        assert!(message.contains("revision r4"), "{name}: {message}");
        assert_eq!(
            (
                db.catalogue(),
                db.query("SELECT version_num FROM alembic_version")
            ),
            before,
            "{name}: nothing changed"
        );
    }
}

#[tokio::test]
async fn a_log_an_older_build_created_gains_the_record_columns() {
    let (_new_dir, new) = catalog_of("beyond", &ALL);
    let (_old_dir, old) = catalog_of("beyond", &["r1", "r2"]);
    for db in Db::all() {
        let name = db.name();
        runner(&new, &db)
            .upgrade(&target("r2"), &mut |_| {})
            .await
            .unwrap();
        // The log table as an earlier release made it, before it recorded each revision.
        for column in [
            "message",
            "parents",
            "compatibility",
            "transactional",
            "downgrade",
            "downgrade_checksum",
        ] {
            db.query(&format!(
                "ALTER TABLE alembic_version_aurora_log DROP COLUMN {column}"
            ));
        }
        let standing = runner(&new, &db).standing().await.unwrap();
        assert_eq!(
            standing.state(),
            State::Behind,
            "{name}: an older log reads"
        );
        runner(&new, &db)
            .upgrade(&Target::Heads, &mut |_| {})
            .await
            .unwrap();
        let mut recorded =
            db.query("SELECT revision FROM alembic_version_aurora_log WHERE downgrade IS NOT NULL");
        recorded.sort();
        assert_eq!(recorded, ["r3", "r4"], "{name}");
        let run = runner(&old, &db)
            .downgrade(&Target::Heads, &mut |_| {})
            .await
            .unwrap();
        assert_eq!(run.current, ["r2"], "{name}");
    }
}

/// A revision after Aurora's own, applied by a newer build (here, the library with one more
/// file); the built `aurora-migrate` is the older image.
const NEWER: &str = "-- Add a notes table\n--\n-- Revision ID: d0d0d0d0d0d0\n-- Revises: 8d1e6b0f2a57\n\
                     -- Compatibility: expand\n\n-- migrate:upgrade\nCREATE TABLE notes (id INTEGER PRIMARY KEY);\n\n\
                     -- migrate:downgrade\nDROP TABLE notes;\n";

#[tokio::test]
async fn the_running_binary_reports_and_reverts_a_newer_builds_revision() {
    for db in Db::all() {
        let name = db.name();
        let dir = tempfile::tempdir().unwrap();
        let run = |args: &[&str]| aurora(dir.path(), &db, args);
        assert_eq!(run(&["upgrade"]).0, Some(0), "{name}");
        let migrations = project_migrations(dir.path());
        std::fs::write(migrations.join("d0d0d0d0d0d0_add_notes.sql"), NEWER).unwrap();
        let newer = Catalog::from_scan(
            aurora_migrate::migrations::source::scan::scan(&migrations).unwrap(),
        );
        runner(&newer, &db)
            .upgrade(&Target::Heads, &mut |_| {})
            .await
            .unwrap();

        let (code, stdout, stderr) = run(&["status"]);
        assert_eq!(code, Some(0), "{name}: {stdout}{stderr}");
        assert!(
            stdout.contains("state: ahead, compatible"),
            "{name}: {stdout}"
        );
        let (_, stdout, _) = run(&["current"]);
        assert_eq!(
            stdout.trim(),
            "8d1e6b0f2a57 -> d0d0d0d0d0d0 (stored, not in this build) (expand), Add a notes table",
            "{name}"
        );
        let (_, stdout, _) = run(&["history"]);
        assert!(
            stdout.starts_with("8d1e6b0f2a57 -> d0d0d0d0d0d0 (stored, not in this build)"),
            "{name}: {stdout}"
        );

        // In production a stored downgrade that drops rows asks for --yes, as `downgrade base`.
        db.query("INSERT INTO notes (id) VALUES (1)");
        let output = cli(dir.path())
            .args(["downgrade", "heads", "--database-url", db.url()])
            .env("AURORA_ENV", "production")
            .output()
            .unwrap();
        let (_, stderr) = texts(&output);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains("notes"), "{name}: {stderr}");
        assert!(db.tables().contains(&"notes".to_string()), "{name}");

        let (code, stdout, stderr) = run(&["downgrade", "heads"]);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        assert!(
            stderr.contains("downgrade d0d0d0d0d0d0 -> 8d1e6b0f2a57, Add a notes table"),
            "{name}: {stderr}"
        );
        assert!(
            stdout.contains("the database is at 8d1e6b0f2a57"),
            "{name}: {stdout}"
        );
        assert!(!db.tables().contains(&"notes".to_string()), "{name}");
        assert_eq!(run(&["status"]).0, Some(0), "{name}");
        assert_eq!(run(&["check"]).0, Some(0), "{name}");
    }
}

/// Anyone who can write the log can put SQL there: a stored downgrade is never run unseen. It
/// is shown before anything runs (even with -q), and in production it needs --yes.
#[tokio::test]
async fn sql_the_program_does_not_carry_never_runs_unseen() {
    let forged = "CREATE TABLE forged_marker (id INTEGER)";
    // The checksum anyone who reads the code can compute: SHA-256 of the text, in hex.
    use aurora_migrate::migrations::checksum;
    let checksum = checksum::hex(&checksum::sha256(forged.as_bytes()));
    for db in Db::all() {
        let name = db.name();
        let dir = tempfile::tempdir().unwrap();
        let run = |args: &[&str], env: &[(&str, &str)]| {
            let mut command = cli(dir.path());
            command.args(args).args(["--database-url", db.url()]);
            for (key, value) in env {
                command.env(key, value);
            }
            let output = command.output().unwrap();
            let (stdout, stderr) = texts(&output);
            (output.status.code(), stdout, stderr)
        };
        assert_eq!(run(&["upgrade"], &[]).0, Some(0), "{name}");
        let migrations = project_migrations(dir.path());
        std::fs::write(migrations.join("d0d0d0d0d0d0_add_notes.sql"), NEWER).unwrap();
        let newer = Catalog::from_scan(
            aurora_migrate::migrations::source::scan::scan(&migrations).unwrap(),
        );
        runner(&newer, &db)
            .upgrade(&Target::Heads, &mut |_| {})
            .await
            .unwrap();
        // The record rewritten with its checksum, as anyone who can write the table could.
        db.query(&format!(
            "UPDATE alembic_version_aurora_log SET downgrade = '{forged}', downgrade_checksum = '{checksum}' \
             WHERE revision = 'd0d0d0d0d0d0'"
        ));
        // The notes table is empty: only the stored SQL itself asks for confirmation.
        for production in [
            &[("AURORA_ENV", "production")][..],
            &[("AURORA_ENV", "prod")],
        ] {
            let (code, _, stderr) = run(&["downgrade", "heads"], production);
            assert_eq!(code, Some(2), "{name}: {stderr}");
            assert!(
                stderr.contains(forged),
                "{name}: the SQL was not shown: {stderr}"
            );
            assert!(
                !db.tables().contains(&"forged_marker".to_string()),
                "{name}"
            );
            assert_eq!(
                db.query("SELECT version_num FROM alembic_version"),
                ["d0d0d0d0d0d0"],
                "{name}"
            );
        }
        // Confirmed, or outside production: it runs, shown first even with -q.
        let (code, _, stderr) = run(&["-q", "downgrade", "heads"], &[]);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        let shown = stderr.find(forged).expect("the stored SQL is shown");
        assert!(
            stderr.contains("SQL this program does not carry") && shown > 0,
            "{name}: {stderr}"
        );
        assert!(db.tables().contains(&"forged_marker".to_string()), "{name}");
    }
}

/// PostgreSQL: the bookkeeping tables are written by their owner alone, whatever default
/// privileges the schema gives other roles (and PUBLIC); the migrations' own tables keep them.
#[test]
fn the_bookkeeping_tables_are_writable_by_their_owner_alone() {
    let db = Db::Pg(crate::support::PgDb::new());
    let role = crate::support::unique_name("aurora_app");
    let psql = |sql: &str| {
        let output = std::process::Command::new("psql")
            .args([
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                &crate::support::admin_url(),
                "-c",
                sql,
            ])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", texts(&output).1);
    };
    psql(&format!("CREATE ROLE \"{role}\" NOLOGIN"));
    db.query(&format!(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT INSERT, UPDATE, DELETE ON TABLES TO \"{role}\""
    ));
    db.query("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT TRUNCATE ON TABLES TO PUBLIC");
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = aurora(dir.path(), &db, &["upgrade"]);
    let may = |table: &str, privilege: &str| {
        db.query(&format!(
            "SELECT has_table_privilege('{role}', '{table}', '{privilege}')::text"
        ))
    };
    let found: Vec<(String, &str, Vec<String>)> =
        ["alembic_version", "alembic_version_aurora_log", "chains"]
            .iter()
            .flat_map(|table| {
                ["INSERT", "UPDATE", "DELETE", "TRUNCATE"]
                    .iter()
                    .map(move |privilege| (table.to_string(), *privilege))
            })
            .map(|(table, privilege)| {
                let answer = may(&table, privilege);
                (table, privilege, answer)
            })
            .collect();
    drop(db);
    psql(&format!("DROP ROLE IF EXISTS \"{role}\""));
    assert_eq!(code, Some(0), "{stderr}");
    for (table, privilege, answer) in found {
        let expected = if table == "chains" { "true" } else { "false" };
        assert_eq!(answer, [expected], "{table} {privilege}");
    }
}
