//! `--transaction all`: the whole run commits at once or not at all, on PostgreSQL and SQLite;
//! refused where it cannot hold (MySQL, `Transaction: none`) before anything changes.

use std::time::Duration;

use aurora_migrate::Catalog;
use aurora_migrate::error::{Error, StepOutcome};
use aurora_migrate::migrations::source::scan;
use aurora_migrate::{DatabaseUrl, Options, Runner, Target, Transaction};

use crate::faults::chain;
use crate::support::{Db, MysqlDb, PgDb, catalog, cli, texts};

fn whole() -> Options {
    Options::default().with_transaction(Transaction::All)
}

fn chain_catalog(count: usize, failing: Option<usize>) -> (tempfile::TempDir, Catalog) {
    let dir = tempfile::tempdir().expect("dir");
    chain(dir.path(), count, failing, false);
    let catalog = Catalog::from_scan(scan::scan(dir.path()).expect("valid"));
    (dir, catalog)
}

#[tokio::test]
async fn every_migration_commits_together_and_each_keeps_its_own_timing() {
    let (_dir, catalog) = chain_catalog(5, None);
    for db in Db::transactional() {
        let runner = Runner::new(&catalog, DatabaseUrl::parse(db.url()).unwrap(), whole()).unwrap();
        let run = runner
            .upgrade(&Target::Head, &mut |_| {})
            .await
            .expect("upgrade");
        assert_eq!(
            (run.steps.len(), run.current.as_slice()),
            (5, &["r05".to_string()][..])
        );
        assert_eq!(db.query("SELECT version_num FROM alembic_version"), ["r05"]);
        let timings = db.query(
            "SELECT CAST(execution_ms AS TEXT) FROM alembic_version_aurora_log ORDER BY revision",
        );
        assert_eq!(timings.len(), 5, "{}", db.name());
        for millis in timings {
            let millis: i64 = millis
                .parse()
                .unwrap_or_else(|_| panic!("{}: {millis:?}", db.name()));
            assert!((0..60_000).contains(&millis), "{}: {millis}", db.name());
        }
        let down = runner
            .downgrade(&Target::Base, &mut |_| {})
            .await
            .expect("downgrade");
        assert!(down.current.is_empty());
        assert!(db.tables().is_empty(), "{}: {:?}", db.name(), db.tables());
    }
}

#[tokio::test]
async fn a_failure_rolls_back_the_migrations_before_it_too() {
    let (_dir, catalog) = chain_catalog(4, Some(3));
    for db in Db::transactional() {
        let runner = Runner::new(&catalog, DatabaseUrl::parse(db.url()).unwrap(), whole()).unwrap();
        let error = runner
            .upgrade(&Target::Head, &mut |_| {})
            .await
            .unwrap_err();
        let Error::Step(failure) = &error else {
            panic!("{}: {error}", db.name())
        };
        assert_eq!(
            (
                failure.revision.as_str(),
                failure.outcome,
                failure.done_before.as_slice()
            ),
            (
                "r03",
                StepOutcome::RunRolledBack,
                &["r01".to_string(), "r02".to_string()][..]
            ),
            "{}",
            db.name()
        );
        assert!(
            error.to_string().ends_with(
                "the run's single transaction was rolled back, undoing r01, r02 too: nothing was changed"
            ),
            "{error}"
        );
        assert!(
            db.query("SELECT version_num FROM alembic_version")
                .is_empty()
        );
        assert!(db.tables().is_empty(), "{}: {:?}", db.name(), db.tables());
        // The same run, one transaction per migration, keeps r01 and r02.
        let per_migration = Runner::new(
            &catalog,
            DatabaseUrl::parse(db.url()).unwrap(),
            Options::default(),
        )
        .unwrap();
        per_migration
            .upgrade(&Target::Head, &mut |_| {})
            .await
            .unwrap_err();
        assert_eq!(db.query("SELECT version_num FROM alembic_version"), ["r02"]);
    }
}

#[tokio::test]
async fn an_interrupt_rolls_back_the_whole_run() {
    let catalog = catalog("slow");
    for db in Db::transactional() {
        let interrupt = crate::support::interrupt_after(Duration::from_millis(700), 2);
        let options = whole().with_interrupt(interrupt.clone());
        let runner = Runner::new(&catalog, DatabaseUrl::parse(db.url()).unwrap(), options).unwrap();
        let error = runner
            .upgrade(&Target::Head, &mut |_| {})
            .await
            .unwrap_err();
        let Error::Interrupted { revision, done, .. } = &error else {
            panic!("{}: {error}", db.name())
        };
        assert_eq!(
            (revision.as_deref(), done.as_slice()),
            (Some("s2"), &[][..])
        );
        assert!(
            db.query("SELECT version_num FROM alembic_version")
                .is_empty()
        );
        assert!(
            db.tables().is_empty(),
            "{}: s1 rolled back too: {:?}",
            db.name(),
            db.tables()
        );
    }
}

#[tokio::test]
async fn mysql_is_refused_before_anything_changes() {
    let db = MysqlDb::new();
    let catalog = catalog("failing");
    let runner = Runner::new(&catalog, DatabaseUrl::parse(&db.url).unwrap(), whole()).unwrap();
    let error = runner
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("one transaction for the whole run needs a database that rolls DDL back"),
        "{error}"
    );
    assert!(
        db.query("SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")
            .is_empty()
    );
}

#[tokio::test]
async fn a_migration_outside_any_transaction_is_refused_before_anything_changes() {
    let db = Db::Pg(PgDb::new());
    let catalog = catalog("concurrently");
    let runner = Runner::new(&catalog, DatabaseUrl::parse(db.url()).unwrap(), whole()).unwrap();
    let error = runner
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        error.to_string().starts_with(
            "revision k2 (migrations/k2_index.sql) declares `Transaction: none`, so it cannot run inside the run's single transaction"
        ),
        "{error}"
    );
    assert!(db.tables().is_empty(), "{:?}", db.tables());
}

#[test]
fn the_command_line_takes_per_migration_or_all() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let output = cli(dir.path())
        .args(["--database-url", &url, "upgrade", "--transaction", "all"])
        .output()
        .expect("run");
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("upgrade: 3 step(s); the database is at 8d1e6b0f2a57"),
        "{stdout}{stderr}"
    );
    let output = cli(dir.path())
        .args([
            "--database-url",
            &url,
            "downgrade",
            "base",
            "--transaction",
            "sometimes",
        ])
        .output()
        .expect("run");
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("[possible values: per-migration, all]"),
        "{stderr}"
    );
}
