//! A downgrade of a migration that cannot run in one transaction keeps the step journal as an
//! upgrade does: stopped part-way, it continues where it stopped, each data change run once.

use aurora_migrate::migrations::Direction;
use aurora_migrate::migrations::source::scan;
use aurora_migrate::{Catalog, Target};

use crate::journal::{Fault, remove_stop, stop_at};
use crate::support::{Db, MysqlDb, PgDb, SqliteDb, run_with_client, runner};

fn catalog(dir: &std::path::Path) -> Catalog {
    crate::journal::write_counter(dir, &[1, 2]);
    std::fs::write(
        dir.join("m2_steps.sql"),
        "-- Statement by statement\n--\n-- Revision ID: m2\n-- Revises: m1\n-- Transaction: none\n\n\
         -- migrate:upgrade\nCREATE TABLE t_d (id INTEGER);\n\n\
         -- migrate:downgrade\n\
         UPDATE hits SET n = n + 1 WHERE step = 1;\n\
         ALTER TABLE t_d ADD COLUMN z INTEGER;\n\
         UPDATE hits SET n = n + 1 WHERE step = 2;\n\
         DROP TABLE t_d;\n",
    )
    .expect("write");
    Catalog::from_scan(scan::scan(dir).expect("valid"))
}

async fn stopped_and_continued(db: Db, fault: Fault) {
    let dir = tempfile::tempdir().expect("dir");
    let catalog = catalog(dir.path());
    runner(&catalog, &db)
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .expect("up");
    run_with_client(&db, &stop_at(&db, ("done", 2), fault));
    runner(&catalog, &db)
        .downgrade(&Target::parse("m1").unwrap(), &mut |_| {})
        .await
        .expect_err("stopped at its third statement");
    let standing = runner(&catalog, &db).standing().await.expect("standing");
    let [unfinished] = standing.unfinished.as_slice() else {
        panic!("{}: {:?}", db.name(), standing.unfinished);
    };
    assert_eq!(
        (
            unfinished.direction,
            unfinished.step,
            unfinished.location.as_deref()
        ),
        (Direction::Downgrade, 2, Some("migrations/m2_steps.sql:13")),
        "{}",
        db.name()
    );
    run_with_client(&db, remove_stop(&db));
    let run = runner(&catalog, &db)
        .downgrade(&Target::parse("m1").unwrap(), &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("{}: the downgrade continues: {e}", db.name()));
    assert_eq!(run.current, ["m1"]);
    let text = match db {
        Db::Mysql(_) => "CHAR",
        _ => "TEXT",
    };
    assert_eq!(
        db.query(&format!("SELECT CAST(n AS {text}) FROM hits ORDER BY step")),
        ["1", "1"],
        "{}: each data change ran once",
        db.name()
    );
    assert_eq!(db.tables(), ["hits"], "{}", db.name());
}

#[tokio::test]
async fn a_stopped_downgrade_continues_where_it_stopped() {
    stopped_and_continued(Db::Pg(PgDb::new()), Fault::Terminate).await;
    stopped_and_continued(Db::Sqlite(SqliteDb::new()), Fault::FailedWrite).await;
    stopped_and_continued(Db::Mysql(MysqlDb::new()), Fault::FailedWrite).await;
}

/// A concurrent drop whose `done` row was lost: the next run finds the index gone and goes on.
#[tokio::test]
async fn a_concurrent_drop_found_done_is_not_run_again() {
    let db = Db::Pg(PgDb::new());
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("c1_index.sql"),
        "-- An index built and dropped without blocking writes\n--\n-- Revision ID: c1\n-- Revises:\n\
         -- Transaction: none\n\n-- migrate:upgrade\n\
         CREATE TABLE t_c (id INTEGER);\nCREATE INDEX CONCURRENTLY ix_t_c ON t_c (id);\n\n\
         -- migrate:downgrade\nDROP INDEX CONCURRENTLY ix_t_c;\nDROP TABLE t_c;\n",
    )
    .expect("write");
    let catalog = Catalog::from_scan(scan::scan(dir.path()).expect("valid"));
    runner(&catalog, &db)
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .expect("up");
    run_with_client(&db, &stop_at(&db, ("done", 0), Fault::Terminate));
    runner(&catalog, &db)
        .downgrade(&Target::Base, &mut |_| {})
        .await
        .expect_err("stopped after the drop");
    let standing = runner(&catalog, &db).standing().await.expect("standing");
    let [unfinished] = standing.unfinished.as_slice() else {
        panic!("{:?}", standing.unfinished);
    };
    assert!(
        matches!(&unfinished.checked, Some(aurora_migrate::runner::Checked::TookEffect(note)) if note.contains("ix_t_c is gone")),
        "{:?}",
        unfinished.checked
    );
    run_with_client(&db, remove_stop(&db));
    runner(&catalog, &db)
        .downgrade(&Target::Base, &mut |_| {})
        .await
        .expect("continues");
    assert!(db.tables().is_empty(), "{:?}", db.tables());
}
