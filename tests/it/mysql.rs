//! MySQL/MariaDB commit DDL as it runs: a migration that fails or dies half-way leaves its
//! statements recorded in the step journal, and the next run continues at the first one not
//! done. A dirty mark an older build left is still refused, naming the revision, the failed
//! statement and the two ways out (`stamp` after fixing by hand, or `--force` to run it again).

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

fn dirty_marks_are_gone(db: &MysqlDb) {
    assert!(dirty(db).is_empty(), "the journal replaces the dirty mark");
}

fn journal(db: &MysqlDb) -> Vec<String> {
    db.query("SELECT CONCAT(revision, ' ', direction, ' ', step, ' ', state) FROM alembic_version_aurora_steps ORDER BY step")
}

#[tokio::test]
async fn a_failed_migration_is_journaled_and_continues_at_the_failed_statement() {
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
        error.to_string().contains("the step journal records them"),
        "{error}"
    );
    let hint = error.hint().expect("a failure says what to do").to_string();
    assert!(
        hint.contains("`upgrade` again: it continues at this statement") && !hint.contains("--"),
        "{hint}"
    );
    assert_eq!(db.query("SELECT version_num FROM alembic_version"), ["f1"]);
    assert_eq!(
        journal(&db),
        [
            "f2 upgrade 0 done",
            "f2 upgrade 1 done",
            "f2 upgrade 2 failed"
        ]
    );
    assert!(
        dirty(&db).is_empty(),
        "no dirty mark: the journal says more"
    );
    let standing = runner(&catalog, &db, false)
        .standing()
        .await
        .expect("standing");
    let [unfinished] = standing.unfinished.as_slice() else {
        panic!("{:?}", standing.unfinished);
    };
    assert_eq!(
        (
            unfinished.step,
            unfinished.count,
            unfinished.location.as_deref()
        ),
        (2, Some(4), Some("migrations/f2_broken.sql:9"))
    );

    // The duplicate is removed: the run continues at the statement that failed. Had it run
    // f2 from its first statement, CREATE TABLE t_f2 would fail, and the first INSERT would
    // make the second fail again.
    db.query("DELETE FROM t_f2");
    let run = runner(&catalog, &db, false)
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .expect("the run continues");
    assert_eq!(run.current, ["f3"]);
    assert_eq!(db.query("SELECT CAST(id AS CHAR) FROM t_f2"), ["1"]);
    assert!(journal(&db).is_empty(), "cleared with the bookkeeping");
}

#[tokio::test]
async fn a_dirty_mark_an_older_build_left_is_refused_until_a_stamp_clears_it() {
    let db = MysqlDb::new();
    let catalog = catalog("failing");
    runner(&catalog, &db, false)
        .upgrade(&Target::parse("f1").unwrap(), &mut |_| {})
        .await
        .expect("f1");
    db.query("INSERT INTO alembic_version_aurora_dirty (revision, direction, failed_statement, message) VALUES ('f2', 'upgrade', 'INSERT INTO t_f2 (id) VALUES (1)', 'Duplicate entry')");
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
    runner(&catalog, &db, false)
        .stamp(&Target::parse("f1").unwrap(), false)
        .await
        .expect("stamp");
    assert!(dirty(&db).is_empty());
}

#[tokio::test]
async fn a_stamp_clears_the_journal_of_a_migration_finished_by_hand() {
    let db = MysqlDb::new();
    let catalog = catalog("failing");
    runner(&catalog, &db, false)
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(journal(&db).len(), 3);
    let downgrade = runner(&catalog, &db, false)
        .downgrade(&Target::Base, &mut |_| {})
        .await;
    assert!(downgrade.is_ok(), "f2 is not applied: f1 reverts alone");
    runner(&catalog, &db, false)
        .upgrade(&Target::parse("f1").unwrap(), &mut |_| {})
        .await
        .expect("f1 again");
    db.query("CREATE TABLE t_f2_never (id INTEGER)");
    runner(&catalog, &db, false)
        .stamp(&Target::parse("f2").unwrap(), false)
        .await
        .expect("stamp");
    assert!(journal(&db).is_empty());
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
async fn once_the_cause_is_fixed_the_next_run_continues_without_force() {
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
    assert_eq!(journal(&db), ["n2 upgrade 0 done", "n2 upgrade 1 failed"]);
    db.query("CREATE TABLE needed (id INTEGER)");
    let run = runner(&catalog, &db, false)
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .expect("continues at the INSERT");
    assert_eq!(run.current, ["n2"]);
    assert!(journal(&db).is_empty());
    assert_eq!(db.query("SELECT CAST(id AS CHAR) FROM needed"), ["1"]);
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
    // As a runner of an older build, killed during 3f2a9c1b7d4e, would leave it.
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
async fn kill_9_leaves_a_clean_revision_or_a_journaled_step_and_the_next_run_completes() {
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
        for i in 1..=applied {
            assert_eq!(
                db.query(&format!("SELECT id FROM t{i:02}")),
                [i.to_string()],
                "run {run}: k{i:02} complete"
            );
        }
        // At most the next migration stands part-way, and its journal says how far.
        let next = format!("k{:02}", applied + 1);
        for row in journal(&db) {
            assert!(
                row.starts_with(&format!("{next} upgrade ")),
                "run {run}: {row}"
            );
        }
        dirty_marks_are_gone(&db);
        // No hand-undo and no force: the run checks the CREATE TABLE it may have left
        // `started` and continues. The INSERT runs once, or the table holds two rows.
        let run_result = runner(&catalog, &db, false)
            .upgrade(&Target::Head, &mut |_| {})
            .await;
        assert_eq!(
            run_result
                .unwrap_or_else(|e| panic!("run {run}: {e}"))
                .current,
            [format!("k{LONG:02}")]
        );
        for i in 1..=LONG {
            assert_eq!(
                db.query(&format!("SELECT CAST(id AS CHAR) FROM t{i:02}")),
                [i.to_string()],
                "run {run}: k{i:02} ran each statement once"
            );
        }
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
