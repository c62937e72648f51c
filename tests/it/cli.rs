//! The binary as a user runs it: every command on PostgreSQL and SQLite, configuration,
//! exit codes, and the text people read (snapshots).

use std::path::Path;

use crate::support::{Db, cli, texts};

const HEAD: &str = "8d1e6b0f2a57";

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = cli(dir).args(args).output().expect("run");
    let (stdout, stderr) = texts(&output);
    (output.status.code().unwrap_or(-1), stdout, stderr)
}

#[test]
fn every_command_on_each_database() {
    for db in Db::all() {
        let dir = tempfile::tempdir().expect("dir");
        let run = |args: &[&str]| {
            let mut all = vec!["--database-url", db.url()];
            all.extend_from_slice(args);
            run_in(dir.path(), &all)
        };
        let name = db.name();
        let (code, stdout, stderr) = run(&["current"]);
        assert_eq!(
            (code, stdout.as_str()),
            (0, ""),
            "{name}: empty database: {stderr}"
        );

        let (code, _, stderr) = run(&["upgrade"]);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert!(
            stderr.contains("upgrade <base> -> cec3a80e61a4, Initial schema"),
            "{stderr}"
        );
        assert!(
            stderr.contains(" ms)"),
            "each step says how long it took: {stderr}"
        );

        assert_eq!(run(&["current"]).1, format!("{HEAD} (head)\n"));
        let (_, history, _) = run(&["history"]);
        assert!(
            history.starts_with(&format!("3f2a9c1b7d4e -> {HEAD} (head) (current), Replace")),
            "{history}"
        );
        assert!(!history.contains("pending"));
        let (_, heads, _) = run(&["heads"]);
        assert_eq!(heads, format!("{HEAD} (head)\n"));
        assert_eq!(run(&["branches"]).1, "", "{name}: no branch points");
        let (_, show, _) = run(&["show", "3f2a"]);
        assert!(
            show.contains("Rev: 3f2a9c1b7d4e") && show.contains("Parent: cec3a80e61a4"),
            "{show}"
        );
        assert_eq!(run(&["check"]).0, 0);

        let (code, _, stderr) = run(&["downgrade", "-1"]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(run(&["current"]).1, "3f2a9c1b7d4e\n");
        let (_, history, _) = run(&["history", "-r", "-1:"]);
        assert_eq!(
            history.lines().count(),
            3,
            "from one before current to head: {history}"
        );
        assert!(history.contains("(pending)"), "{history}");
        let (code, stdout, _) = run(&["check"]);
        assert_eq!(code, 1);
        assert!(
            stdout.contains("1 migration(s) not applied: 8d1e6b0f2a57"),
            "{stdout}"
        );

        let (code, json, _) = run(&["--format", "json", "upgrade"]);
        assert_eq!(code, 0);
        let value: serde_json::Value = serde_json::from_str(&json).expect("json");
        assert_eq!(value["current"][0], HEAD);
        assert_eq!(value["steps"][0]["revision"], HEAD);

        let (code, _, stderr) = run(&["downgrade", "base"]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(run(&["current"]).1, "");
    }
}

#[test]
fn upgrade_downgrade_upgrade_leaves_the_same_schema() {
    for db in Db::all() {
        let dir = tempfile::tempdir().expect("dir");
        let run = |args: &[&str]| {
            run_in(
                dir.path(),
                &[&["--database-url", db.url()][..], args].concat(),
            )
            .0
        };
        assert_eq!(run(&["upgrade"]), 0);
        let first = db.catalogue();
        assert!(
            first.iter().any(|entry| entry.contains("chains")),
            "{}: the catalogue is read: {first:?}",
            db.name()
        );
        assert_eq!(run(&["downgrade", "base"]), 0);
        assert!(
            db.catalogue().is_empty(),
            "{}: base leaves nothing, enum types included: {:?}",
            db.name(),
            db.catalogue()
        );
        assert_eq!(run(&["upgrade"]), 0);
        assert_eq!(db.catalogue(), first, "{}", db.name());
    }
}

#[test]
fn the_default_database_is_announced_and_env_files_are_read() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, _, stderr) = run_in(dir.path(), &["upgrade"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr
            .matches("using the default database sqlite://aurora.db")
            .count(),
        1,
        "{stderr}"
    );
    assert!(dir.path().join("aurora.db").exists());

    std::fs::write(
        dir.path().join(".env"),
        "DATABASE_URL=sqlite://from_env.db\n",
    )
    .expect("write .env");
    let (code, _, stderr) = run_in(dir.path(), &["upgrade"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("default database"));
    assert!(dir.path().join("from_env.db").exists());

    let output = cli(dir.path())
        .env("DATABASE_URL", "sqlite://from_var.db")
        .arg("upgrade")
        .output()
        .expect("run");
    assert!(output.status.success());
    assert!(
        dir.path().join("from_var.db").exists(),
        "the environment wins over .env"
    );
}

#[test]
fn passwords_are_never_printed_and_refused_connections_fail_fast() {
    let dir = tempfile::tempdir().expect("dir");
    let started = std::time::Instant::now();
    let (code, stdout, stderr) = run_in(
        dir.path(),
        &[
            "--database-url",
            "postgresql+asyncpg://aurora:aurora_dev@127.0.0.1:1/aurora",
            "upgrade",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        started.elapsed().as_secs() < 5,
        "a refused connection is an error within seconds"
    );
    assert!(
        !stdout.contains("aurora_dev") && !stderr.contains("aurora_dev"),
        "{stderr}"
    );
    assert!(
        stderr.contains("postgres://aurora:***@127.0.0.1:1/aurora"),
        "{stderr}"
    );

    let (code, _, stderr) = run_in(
        dir.path(),
        &[
            "--database-url",
            &format!(
                "postgres://postgres:wrong_secret@{}/nodb_here",
                crate::servers::postgres().address
            ),
            "current",
        ],
    );
    assert_eq!(code, 1);
    assert!(!stderr.contains("wrong_secret"), "{stderr}");
}

#[test]
fn usage_errors_exit_2_and_failures_exit_1() {
    let dir = tempfile::tempdir().expect("dir");
    assert_eq!(
        run_in(dir.path(), &["downgrade"]).0,
        2,
        "downgrade needs a target"
    );
    assert_eq!(run_in(dir.path(), &["frobnicate"]).0, 2);
    let (code, _, stderr) = run_in(dir.path(), &["upgrade", "nosuchrev"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("no revision, branch label or id prefix matches `nosuchrev`"),
        "{stderr}"
    );
    let (code, _, stderr) = run_in(dir.path(), &["--database-url", "oracle://x/y", "current"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("unsupported database `oracle://`"),
        "{stderr}"
    );
    let (code, _, stderr) = run_in(dir.path(), &["downgrade", "-1"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("below base"), "{stderr}");
}

#[test]
fn create_and_merge_write_files_the_build_accepts() {
    let dir = tempfile::tempdir().expect("dir");
    let migrations = dir.path().join("migrations");
    let (code, _, stderr) = run_in(
        dir.path(),
        &["create", "Create users table", "--rev-id", "aaaa00000001"],
    );
    assert_eq!(code, 1, "a new history outside a project needs --base");
    assert!(stderr.contains("pass --base"), "{stderr}");
    let (code, path, stderr) = run_in(
        dir.path(),
        &[
            "create",
            "Create users table",
            "--rev-id",
            "aaaa00000001",
            "--base",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        path.trim(),
        "migrations/aaaa00000001_create_users_table.sql"
    );
    let text = std::fs::read_to_string(migrations.join("aaaa00000001_create_users_table.sql"))
        .expect("written");
    assert!(text.starts_with("-- Create users table\n--\n-- Revision ID: aaaa00000001\n-- Revises: \n-- Create Date: "), "{text}");
    fill(&migrations.join("aaaa00000001_create_users_table.sql"));

    let (code, path, _) = run_in(dir.path(), &["create", "Add email", "--rust"]);
    assert_eq!(code, 0);
    let rust = std::fs::read_to_string(dir.path().join(path.trim())).expect("rust file");
    assert!(
        rust.contains("//! Revises: aaaa00000001")
            && rust.contains("pub fn upgrade(ddl: &mut Ddl)"),
        "{rust}"
    );
    std::fs::remove_file(dir.path().join(path.trim())).expect("remove");

    let (code, _, _) = run_in(
        dir.path(),
        &[
            "create",
            "Branch one",
            "--rev-id",
            "bbbb00000001",
            "--branch-label",
            "one",
        ],
    );
    assert_eq!(code, 0);
    fill(&migrations.join("bbbb00000001_branch_one.sql"));
    let (code, _, _) = run_in(
        dir.path(),
        &[
            "create",
            "Branch two",
            "--rev-id",
            "cccc00000001",
            "--head",
            "aaaa00000001",
        ],
    );
    assert_eq!(code, 0);
    fill(&migrations.join("cccc00000001_branch_two.sql"));

    let (code, _, stderr) = run_in(dir.path(), &["create", "Where does it go"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("several heads (bbbb00000001, cccc00000001); pass --head REV")
            && stderr.contains("`aurora-migrate merge heads -m MESSAGE`"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(&migrations).expect("dir").count(),
        3,
        "a refused create writes nothing"
    );

    let (code, path, stderr) = run_in(
        dir.path(),
        &[
            "merge",
            "heads",
            "-m",
            "Join branches",
            "--rev-id",
            "dddd00000001",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let merge = std::fs::read_to_string(dir.path().join(path.trim())).expect("merge file");
    assert!(
        merge.contains("-- Revises: bbbb00000001, cccc00000001"),
        "{merge}"
    );
    let scanned = aurora_migrate::migrations::source::scan::scan(&migrations)
        .expect("the directory stays valid");
    assert_eq!(scanned.graph.heads().len(), 1);
}

/// Gives a created migration some SQL, as its author would.
fn fill(path: &Path) {
    let text = std::fs::read_to_string(path).expect("read");
    let filled = text.replace("-- migrate:upgrade\n", "-- migrate:upgrade\nSELECT 1;\n");
    std::fs::write(path, filled).expect("write");
}

#[test]
fn help_text() {
    let dir = tempfile::tempdir().expect("dir");
    insta::assert_snapshot!(run_in(dir.path(), &["--help"]).1);
}

#[test]
fn a_changed_migration_is_explained() {
    let db = crate::support::SqliteDb::new();
    let dir = tempfile::tempdir().expect("dir");
    assert_eq!(
        run_in(dir.path(), &["--database-url", &db.url, "upgrade"]).0,
        0
    );
    db.query(
        "UPDATE alembic_version_aurora_log SET checksum = 'abc' WHERE revision = '3f2a9c1b7d4e'",
    );
    let (code, _, stderr) = run_in(dir.path(), &["--database-url", &db.url, "-q", "upgrade"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stderr);
}

#[test]
fn autogenerate_and_check_see_what_the_database_lacks() {
    for db in Db::transactional() {
        let dir = tempfile::tempdir().expect("dir");
        let migrations = crate::support::project_migrations(dir.path());
        let run = |args: &[&str]| {
            run_in(
                dir.path(),
                &[&["--database-url", db.url()][..], args].concat(),
            )
        };
        assert_eq!(run(&["upgrade"]).0, 0);
        let (code, stdout, _) = run(&["check"]);
        assert_eq!(code, 0, "{}: the shipped models match: {stdout}", db.name());
        assert!(stdout.contains("the models match the database"), "{stdout}");

        let (code, _, stderr) = run(&["create", "Nothing to do", "--autogenerate"]);
        assert_eq!(code, 0);
        assert!(
            stderr.contains("No changes in schema detected; nothing written"),
            "{stderr}"
        );
        assert_eq!(
            std::fs::read_dir(&migrations).expect("dir").count(),
            3,
            "nothing is written when nothing changed"
        );

        // What models cannot declare is passed over, and said so once, never in silence.
        db.query("CREATE VIEW \"Unmodelled View\" AS SELECT 1 AS one");
        for args in [
            &["check"][..],
            &["create", "Still nothing", "--autogenerate"],
        ] {
            let (code, _, stderr) = run(args);
            assert_eq!(code, 0, "{}: {args:?}: {stderr}", db.name());
            let said = "not compared: the database holds 1 view(s) that models cannot declare; \
                        `aurora-migrate dump --check` compares them";
            assert_eq!(stderr.matches(said).count(), 1, "{args:?}: {stderr}");
        }
        db.query("DROP VIEW \"Unmodelled View\"");

        db.query("DROP INDEX ix_tokens_symbol");
        let (code, stdout, _) = run(&["check"]);
        assert_eq!(code, 1, "{}", db.name());
        assert!(
            stdout.contains("models: Detected added index 'ix_tokens_symbol' on 'tokens' (symbol)"),
            "{stdout}"
        );

        let (code, path, stderr) = run(&[
            "create",
            "Restore the symbol index",
            "--autogenerate",
            "--rev-id",
            "feed00000001",
        ]);
        assert_eq!(code, 0, "{stderr}");
        assert!(
            stderr.contains("Detected added index 'ix_tokens_symbol'"),
            "{stderr}"
        );
        // What autogenerate wrote is linted for the database it compared.
        let lint = match db.name() {
            "postgresql" => "lint: warning L001 index-without-concurrently",
            _ => "lint: the new migration is clean for sqlite",
        };
        assert!(stderr.contains(lint), "{}: {stderr}", db.name());
        assert_eq!(
            path.trim(),
            "migrations/feed00000001_restore_the_symbol_index.rs",
            "an index is portable DDL"
        );
        let text = std::fs::read_to_string(dir.path().join(path.trim())).expect("written");
        assert!(text.contains("//! Revises: 8d1e6b0f2a57"), "{text}");
        assert!(
            text.contains(r#"ddl.create_index("tokens", "ix_tokens_symbol", &["symbol"], false);"#),
            "{text}"
        );
        assert!(
            text.contains(r#"ddl.drop_index("tokens", "ix_tokens_symbol");"#),
            "{text}"
        );
        std::fs::remove_file(dir.path().join(path.trim())).expect("remove");
        db.query("CREATE INDEX ix_tokens_symbol ON tokens (symbol)");

        if let Db::Pg(_) = db {
            // A dropped unique constraint is not portable DDL: SQL, with a SQLite rebuild.
            db.query("ALTER TABLE wallets DROP CONSTRAINT uq_wallets_chain_address");
            let (code, path, stderr) = run(&[
                "create",
                "Restore a constraint",
                "--autogenerate",
                "--rev-id",
                "feed00000002",
            ]);
            assert_eq!(code, 0, "{stderr}");
            assert!(
                stderr.contains("Detected added unique constraint 'uq_wallets_chain_address'"),
                "{stderr}"
            );
            assert!(path.trim().ends_with(".sql"), "{path}");
            let text = std::fs::read_to_string(dir.path().join(path.trim())).expect("written");
            let add = r#"ALTER TABLE "wallets" ADD CONSTRAINT "uq_wallets_chain_address" UNIQUE ("chain_id", "address");"#;
            assert!(text.contains(add), "{text}");
            assert!(
                text.contains("-- migrate:upgrade sqlite\nCREATE TABLE \"_aurora_new_wallets\""),
                "{text}"
            );
        }
    }
}

#[test]
fn check_with_a_scratch_database_compares_models_and_migrations_only() {
    let dir = tempfile::tempdir().expect("dir");
    let server = crate::support::admin_url();
    let probe = crate::support::PgDb::new();
    let scratches = || {
        probe.query(
            "SELECT datname::text FROM pg_database WHERE datname LIKE 'aurora_scratch%' ORDER BY 1",
        )
    };
    let before = scratches();
    let (code, stdout, stderr) = run_in(dir.path(), &["check", "--scratch-url", &server]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("the models match the database"), "{stdout}");
    assert!(
        stderr.contains("building the schema at head in the scratch database"),
        "{stderr}"
    );
    let (code, _, stderr) = run_in(
        dir.path(),
        &["check", "--scratch-url", "sqlite://ignored.db"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !dir.path().join("aurora.db").exists(),
        "the developer's database is not touched"
    );
    assert_eq!(scratches(), before, "the scratch database is dropped");
}
