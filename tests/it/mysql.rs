//! MySQL/MariaDB commit DDL as it runs: a migration that fails or dies half-way leaves a
//! dirty mark that every later run refuses, naming the revision, the failed statement and the
//! two ways out (`stamp` after fixing by hand, or `--force` to run it again).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use aurora_migrate::Catalog;
use aurora_migrate::error::Error;
use aurora_migrate::migrations::hint::{self, Piece, Setting, Word};
use aurora_migrate::migrations::source::scan;
use aurora_migrate::{DatabaseUrl, Options, Runner, Target};

use crate::support::{MysqlDb, catalog, cli, texts};

fn runner<'c>(catalog: &'c Catalog, db: &MysqlDb, force: bool) -> Runner<'c> {
    Runner::new(
        catalog,
        DatabaseUrl::parse(&db.url).unwrap(),
        Options::default().with_force(force),
    )
    .unwrap()
}

fn dirty(db: &MysqlDb) -> Vec<String> {
    db.query("SELECT CONCAT(revision, ' ', direction, ' ', COALESCE(failed_statement, '-')) FROM alembic_version_aurora_dirty")
}

#[tokio::test]
async fn a_failed_migration_leaves_a_dirty_mark_that_stamp_clears() {
    let db = MysqlDb::new();
    let catalog = catalog("failing");
    let error = runner(&catalog, &db, false)
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Step(f) if f.revision == "f2" && f.line == 9),
        "{error}"
    );
    assert!(
        error.to_string().contains("MySQL cannot roll DDL back"),
        "{error}"
    );
    assert_eq!(db.query("SELECT version_num FROM alembic_version"), ["f1"]);
    assert_eq!(dirty(&db), ["f2 upgrade INSERT INTO t_f2 (id) VALUES (1)"]);
    let kept = db.query("SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't_f2'");
    assert_eq!(
        kept,
        ["t_f2"],
        "DDL before the failure stays: that is what the mark is for"
    );

    let refused = runner(&catalog, &db, false)
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .unwrap_err();
    let text = refused.to_string();
    assert!(text.starts_with("the database is dirty at revision f2: its upgrade stopped at `INSERT INTO t_f2 (id) VALUES (1)`"), "{text}");
    let hint = refused.hint().expect("a dirty mark says what to do");
    let spoken = hint.to_string();
    assert!(
        spoken.contains("`stamp REV`")
            && spoken.contains("`upgrade forcing`")
            && !format!("{text}; {spoken}").contains("--")
            && !spoken.contains("aurora-migrate"),
        "the library names commands and settings by meaning, not a program or its flags: {text}; {spoken}"
    );
    assert!(
        hint.pieces().contains(&Piece::Run(
            hint::Command::Upgrade,
            vec![Word::Setting(Setting::Force)]
        )),
        "{hint:?}"
    );
    let downgrade = runner(&catalog, &db, false)
        .downgrade(&Target::Base, &mut |_| {})
        .await
        .unwrap_err();
    assert!(matches!(downgrade, Error::Dirty { .. }), "{downgrade}");

    // Completed by hand: the stamp records it and clears the mark.
    runner(&catalog, &db, false)
        .stamp(&Target::parse("f2").unwrap(), false)
        .await
        .expect("stamp");
    assert!(dirty(&db).is_empty());
    let run = runner(&catalog, &db, false)
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .expect("the run goes on");
    assert_eq!(run.current, ["f3"]);
}

/// A migration that needs a table nobody created yet.
fn needs_table(dir: &Path) {
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).expect("write");
    write(
        "n1_first.sql",
        "-- n1\n-- Revision ID: n1\n-- Revises:\n\n-- migrate:upgrade\nCREATE TABLE t_n1 (id INTEGER);\n\n-- migrate:downgrade\nDROP TABLE t_n1;\n",
    );
    write(
        "n2_second.sql",
        "-- n2\n-- Revision ID: n2\n-- Revises: n1\n\n-- migrate:upgrade\nCREATE TABLE t_n2 (id INTEGER);\nINSERT INTO needed (id) VALUES (1);\n\n\
         -- migrate:downgrade\nDROP TABLE t_n2;\n",
    );
}

#[tokio::test]
async fn force_runs_a_dirty_migration_again_from_its_first_statement() {
    let db = MysqlDb::new();
    let dir = tempfile::tempdir().expect("dir");
    needs_table(dir.path());
    let catalog = Catalog::from_scan(scan::scan(dir.path()).expect("valid"));
    let error = runner(&catalog, &db, false)
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Step(f) if f.revision == "n2"),
        "{error}"
    );
    assert_eq!(
        dirty(&db),
        ["n2 upgrade INSERT INTO needed (id) VALUES (1)"]
    );
    // Undo what ran, provide what was missing, retry.
    db.query("DROP TABLE t_n2");
    db.query("CREATE TABLE needed (id INTEGER)");
    let run = runner(&catalog, &db, true)
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .expect("--force retries");
    assert_eq!(run.current, ["n2"]);
    assert!(dirty(&db).is_empty());
    assert_eq!(db.query("SELECT id FROM needed"), ["1"]);
}

#[test]
fn the_command_line_names_the_way_out_and_force_retries() {
    let db = MysqlDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let run = |args: &[&str]| {
        let output = cli(dir.path())
            .args(["--database-url", &db.url])
            .args(args)
            .output()
            .expect("run");
        let (stdout, stderr) = texts(&output);
        (output.status.code(), stdout, stderr)
    };
    assert_eq!(run(&["upgrade", "cec3a80e61a4"]).0, Some(0));
    // As a runner killed during 3f2a9c1b7d4e would leave it.
    db.query("INSERT INTO alembic_version_aurora_dirty (revision, direction) VALUES ('3f2a9c1b7d4e', 'upgrade')");
    let (code, _, stderr) = run(&["upgrade"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("dirty at revision 3f2a9c1b7d4e: its upgrade did not finish (the runner stopped during it)"), "{stderr}");
    assert!(
        stderr.contains("`aurora-migrate stamp REV`")
            && stderr.contains("`aurora-migrate upgrade --force`"),
        "the command line writes the hint with its name and flags: {stderr}"
    );
    let (code, stdout, _) = run(&["check"]);
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("dirty at revision 3f2a9c1b7d4e"),
        "{stdout}"
    );
    assert!(
        run(&["current"])
            .1
            .contains("3f2a9c1b7d4e (dirty: its upgrade did not finish")
    );
    let (code, _, stderr) = run(&["upgrade", "--force"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("forced: upgrade of 3f2a9c1b7d4e runs again"),
        "{stderr}"
    );
    assert_eq!(
        db.query("SELECT version_num FROM alembic_version"),
        ["8d1e6b0f2a57"]
    );
}

/// Inside the child that `kill -9` hits (see the test below).
#[tokio::test]
async fn child_mysql_upgrade_for_kill_test() {
    let (Ok(dir), Ok(url)) = (
        std::env::var("AURORA_MYSQL_CHILD_DIR"),
        std::env::var("AURORA_MYSQL_CHILD_URL"),
    ) else {
        return;
    };
    let catalog = Catalog::from_scan(scan::scan(Path::new(&dir)).expect("valid"));
    let runner = Runner::new(
        &catalog,
        DatabaseUrl::parse(&url).unwrap(),
        Options::default(),
    )
    .unwrap();
    runner
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .expect("child upgrade");
}

#[tokio::test]
async fn kill_9_leaves_a_clean_revision_or_a_dirty_mark_then_force_completes() {
    const LONG: usize = 20;
    let db = MysqlDb::new();
    let dir = tempfile::tempdir().expect("dir");
    for i in 1..=LONG {
        let parent = if i == 1 {
            String::new()
        } else {
            format!("k{:02}", i - 1)
        };
        let text = format!(
            "-- k{i:02}\n-- Revision ID: k{i:02}\n-- Revises: {parent}\n\n-- migrate:upgrade\nCREATE TABLE t{i:02} (id INTEGER);\n\
             SELECT SLEEP(0.05);\nINSERT INTO t{i:02} VALUES ({i});\n\n-- migrate:downgrade\nDROP TABLE t{i:02};\n"
        );
        std::fs::write(dir.path().join(format!("k{i:02}_step.sql")), text).expect("write");
    }
    let catalog = Catalog::from_scan(scan::scan(dir.path()).expect("valid"));
    let mut seed: u64 = 0xd1e7_2026;
    for run in 0..5 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let after = Duration::from_millis(150 + (seed >> 33) % 900);
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args(["mysql::child_mysql_upgrade_for_kill_test", "--exact"])
            .env("AURORA_MYSQL_CHILD_DIR", dir.path())
            .env("AURORA_MYSQL_CHILD_URL", &db.url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        tokio::time::sleep(after).await;
        let _ = child.kill();
        let _ = child.wait();
        tokio::time::sleep(Duration::from_millis(300)).await; // the server ends the session
        let status = runner(&catalog, &db, false)
            .records()
            .await
            .expect("status");
        let applied = status.applied.set.len();
        let marks = dirty(&db);
        for i in 1..=applied {
            assert_eq!(
                db.query(&format!("SELECT id FROM t{i:02}")),
                [i.to_string()],
                "run {run}: k{i:02} complete"
            );
        }
        match marks.as_slice() {
            [] => {}
            [mark] => {
                assert!(
                    mark.starts_with(&format!("k{:02} upgrade -", applied + 1)),
                    "run {run}: {mark}"
                );
                // The half-applied migration is undone by hand, as the message advises.
                db.query(&format!("DROP TABLE IF EXISTS t{:02}", applied + 1));
            }
            many => panic!("run {run}: one migration at a time: {many:?}"),
        }
        let run_result = runner(&catalog, &db, true)
            .upgrade(&Target::Head, &mut |_| {})
            .await;
        assert_eq!(
            run_result.expect("--force completes").current,
            [format!("k{LONG:02}")]
        );
        runner(&catalog, &db, false)
            .downgrade(&Target::Base, &mut |_| {})
            .await
            .expect("back to base");
    }
}

/// Every form the `ddl` module builds for MySQL runs on the server (barrel 0.7 is wrong on
/// several MySQL forms; these are the ones it gets right, or that the module writes itself).
#[test]
fn every_ddl_form_runs_on_mysql() {
    use aurora_migrate::Database;
    use aurora_migrate::ddl::{Column, Ddl, DefaultValue, Type};
    let db = MysqlDb::new();
    let mut ddl = Ddl::new(Database::Mysql);
    ddl.create_table(
        "chains",
        vec![
            Column::new("id", Type::Primary),
            Column::new("height", Type::Integer).default(DefaultValue::Integer(-1)),
            Column::new("name", Type::Varchar(64)).unique(),
            Column::new("note", Type::Text).nullable(),
            Column::new("label", Type::Text).default(DefaultValue::Text("it's".into())),
            Column::new("testnet", Type::Boolean).default(DefaultValue::Boolean(true)),
            Column::new("fee", Type::Double).nullable(),
            Column::new("launched_on", Type::Date).nullable(),
            Column::new("updated_at", Type::Timestamp).nullable(),
        ],
    );
    ddl.add_column(
        "chains",
        Column::new("rpc_endpoint", Type::Varchar(200)).nullable(),
    );
    ddl.add_column(
        "chains",
        Column::new("slug", Type::Varchar(32))
            .unique()
            .default(DefaultValue::Text("x".into())),
    );
    ddl.create_index("chains", "ix_chains_height", &["height", "name"], false);
    ddl.create_index("chains", "ux_chains_fee", &["fee"], true);
    ddl.drop_index("chains", "ix_chains_height");
    ddl.drop_column("chains", "note");
    ddl.rename_table("chains", "networks");
    ddl.drop_table("networks");
    for statement in ddl.into_statements().expect("portable forms") {
        db.query(&statement);
    }
    let left = db.query("SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()");
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn check_and_autogenerate_read_mysql_schemas() {
    let db = MysqlDb::new();
    let dir = tempfile::tempdir().expect("dir");
    crate::support::project_migrations(dir.path());
    let run = |args: &[&str]| {
        let output = cli(dir.path())
            .args(["--database-url", &db.url])
            .args(args)
            .output()
            .expect("run");
        let (stdout, stderr) = texts(&output);
        (output.status.code(), stdout, stderr)
    };
    assert_eq!(run(&["upgrade"]).0, Some(0));
    let (code, stdout, _) = run(&["check"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("the models match the database"), "{stdout}");
    db.query("DROP INDEX ix_tokens_symbol ON tokens");
    let (code, stdout, _) = run(&["check"]);
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("models: Detected added index 'ix_tokens_symbol' on 'tokens' (symbol)"),
        "{stdout}"
    );
    let (code, path, stderr) = run(&[
        "create",
        "Restore the index",
        "--autogenerate",
        "--rev-id",
        "feed00000003",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let text = std::fs::read_to_string(dir.path().join(path.trim())).expect("written");
    assert!(
        text.contains(r#"ddl.create_index("tokens", "ix_tokens_symbol", &["symbol"], false);"#),
        "{text}"
    );

    // Not portable DDL: SQL with a MySQL section.
    std::fs::remove_file(dir.path().join(path.trim())).expect("remove");
    db.query("CREATE INDEX ix_tokens_symbol ON tokens (symbol)");
    db.query("ALTER TABLE wallets MODIFY COLUMN label VARCHAR(50)");
    let (code, path, stderr) = run(&[
        "create",
        "Label back to text",
        "--autogenerate",
        "--rev-id",
        "feed00000004",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("Detected type change from VARCHAR(50) to TEXT on 'wallets.label'"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(dir.path().join(path.trim())).expect("written");
    assert!(
        text.contains(
            "-- migrate:upgrade mysql\nALTER TABLE \"wallets\" MODIFY COLUMN \"label\" TEXT;"
        ),
        "{text}"
    );
}

/// A MariaDB account with a password, dropped with the value.
struct Account {
    name: String,
}

impl Account {
    fn new(db: &MysqlDb, password: &str) -> Account {
        let name = crate::support::unique_name("aurora_pw");
        db.query(&format!(
            "CREATE USER '{name}'@'%' IDENTIFIED BY '{password}'"
        ));
        db.query(&format!("GRANT ALL ON `{}`.* TO '{name}'@'%'", db.name));
        Account { name }
    }
}

impl Drop for Account {
    fn drop(&mut self) {
        let admin = crate::support::mysql_admin_url();
        let drop = format!("DROP USER IF EXISTS '{}'@'%'", self.name);
        let _ = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(async move {
                    use sqlx::{Connection, Executor};
                    if let Ok(mut conn) = sqlx::MySqlConnection::connect(&admin).await {
                        let _ = conn.execute(sqlx::AssertSqlSafe(drop)).await;
                    }
                })
        })
        .join();
    }
}

/// The servers here trust local PostgreSQL connections; MariaDB checks passwords, so a real
/// rejection is exercised on it.
#[test]
fn a_rejected_password_is_reported_but_never_printed() {
    let db = MysqlDb::new();
    let account = Account::new(&db, "right-Pa55word");
    let dir = tempfile::tempdir().expect("dir");
    let url = |password: &str| {
        format!(
            "mysql://{}:{password}@{}/{}",
            account.name,
            crate::servers::mysql().address,
            db.name
        )
    };
    let output = cli(dir.path())
        .args(["--database-url", &url("wrong-Pa55word"), "upgrade"])
        .output()
        .expect("run");
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}:***@{}",
            account.name,
            crate::servers::mysql().address
        )) && stderr.contains("Access denied"),
        "{stderr}"
    );
    assert!(
        !format!("{stdout}{stderr}").contains("Pa55word"),
        "{stdout}{stderr}"
    );
    assert!(
        db.query("SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")
            .is_empty(),
        "nothing changed"
    );
    // The right password is used, and not printed either.
    let output = cli(dir.path())
        .args(["--database-url", &url("right-Pa55word"), "-v", "upgrade"])
        .output()
        .expect("run");
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        !format!("{stdout}{stderr}").contains("Pa55word"),
        "{stdout}{stderr}"
    );
}
