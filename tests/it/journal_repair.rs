//! What needs a person: a file edited inside the part a stopped run applied is refused
//! naming `file:line`, and a statement no check can judge is refused with the way out; a
//! `repair` with a reason, kept in the audit, lets the run go on.

use aurora_migrate::migrations::source::scan;
use aurora_migrate::runner::{Repair, RepairAction};
use aurora_migrate::{Catalog, Target};

use crate::journal::{Fault, catalog, migration, remove_stop, stop_at, upgrade};
use crate::support::{Db, MysqlDb, PgDb, run_with_client, runner};

#[tokio::test]
async fn an_edit_inside_the_applied_part_is_refused_naming_its_line() {
    let db = Db::Pg(PgDb::new());
    let dir = tempfile::tempdir().expect("dir");
    let before = catalog(dir.path(), &db);
    runner(&before, &db)
        .upgrade(&Target::parse("m1").unwrap(), &mut |_| {})
        .await
        .expect("m1");
    run_with_client(&db, &stop_at(&db, ("done", 3), Fault::Terminate));
    upgrade(&before, &db).await.expect_err("stopped");

    let edited = migration(&db).replace("WHERE step = 1", "WHERE step = 1 AND n >= 0");
    std::fs::write(dir.path().join("m2_steps.sql"), edited).expect("write");
    let after = Catalog::from_scan(scan::scan(dir.path()).expect("valid"));
    run_with_client(&db, remove_stop(&db));
    let refused = upgrade(&after, &db).await.expect_err("edited");
    assert!(
        refused.contains("statement 2 at migrations/m2_steps.sql:10 has changed since it ran"),
        "{refused}"
    );
    assert_eq!(
        db.query("SELECT CAST(n AS TEXT) FROM hits ORDER BY step"),
        ["1", "0"],
        "nothing ran"
    );
    // The person judges the edit harmless, and says so with a reason: it continues.
    let reason = "the added condition holds for every row: the same rows changed";
    let edited_runner = runner(&after, &db);
    let accept = Repair::new("m2", RepairAction::AcceptEdits, reason);
    let plan = edited_runner
        .repair_preview(&accept)
        .await
        .expect("preview");
    assert_eq!(
        plan.changes.iter().map(|c| c.step).collect::<Vec<_>>(),
        [1],
        "only the edited statement's row changes"
    );
    assert_eq!(
        db.query("SELECT count(*)::text FROM alembic_version_aurora_steps WHERE note IS NOT NULL"),
        ["0"],
        "a preview changes nothing"
    );
    edited_runner.repair(&accept).await.expect("repair");
    assert_eq!(
        db.query("SELECT revision || ' ' || direction || ' ' || action || ' ' || reason FROM alembic_version_aurora_audit"),
        [format!("m2 upgrade accept-edits {reason}")]
    );
    upgrade(&after, &db).await.expect("continues");
    assert_eq!(
        db.query("SELECT CAST(n AS TEXT) FROM hits ORDER BY step"),
        ["1", "1"],
        "the statements before the stop ran once"
    );
    assert_eq!(
        db.query("SELECT count(*)::text FROM alembic_version_aurora_audit"),
        ["1"],
        "the audit stays"
    );
}

#[tokio::test]
async fn a_statement_no_check_can_judge_waits_for_a_person() {
    let db = Db::Mysql(MysqlDb::new());
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("u1_table.sql"),
        "-- A table\n--\n-- Revision ID: u1\n-- Revises:\n\n-- migrate:upgrade\n\
         CREATE TABLE t_u (id INTEGER PRIMARY KEY, v INTEGER);\n\
         ALTER TABLE t_u MODIFY COLUMN v BIGINT;\n\
         ALTER TABLE t_u ADD COLUMN w INTEGER;\n\n-- migrate:downgrade\nDROP TABLE t_u;\n",
    )
    .expect("write");
    let catalog = Catalog::from_scan(scan::scan(dir.path()).expect("valid"));
    // The journal's table, made by a run with nothing to do but the bookkeeping.
    runner(&catalog, &db)
        .stamp(&Target::Base, false)
        .await
        .expect("stamp base");
    run_with_client(&db, &stop_at(&db, ("done", 1), Fault::FailedWrite));
    upgrade(&catalog, &db)
        .await
        .expect_err("stopped after MODIFY");
    run_with_client(&db, remove_stop(&db));

    let refused = runner(&catalog, &db)
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, aurora_migrate::Error::StepUnknown(doubt) if doubt.step == 1 && doubt.location == "migrations/u1_table.sql:8"),
        "{refused}"
    );
    let hint = refused.hint().expect("a way out").to_string();
    assert!(
        hint.contains("`repair mark-done u1 a reason TEXT`")
            && hint.contains("`repair mark-failed u1 a reason TEXT`"),
        "{hint}"
    );
    assert_eq!(
        db.query("SELECT CAST(COUNT(*) AS CHAR) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't_u' AND COLUMN_NAME = 'w'"),
        ["0"],
        "nothing after it ran"
    );

    // A person looks: the column is BIGINT, so the statement took effect.
    assert_eq!(
        db.query("SELECT CAST(DATA_TYPE AS CHAR) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't_u' AND COLUMN_NAME = 'v'"),
        ["bigint"]
    );
    runner(&catalog, &db)
        .repair(&Repair::new(
            "u1",
            RepairAction::MarkDone,
            "v is BIGINT: looked at it",
        ))
        .await
        .expect("repair");
    upgrade(&catalog, &db).await.expect("continues after it");
    assert_eq!(
        db.query("SELECT CAST(COUNT(*) AS CHAR) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't_u' AND COLUMN_NAME = 'w'"),
        ["1"]
    );
}

/// m1 makes the counter, a schema `other` and an empty table `go`; m2 runs statement by
/// statement, and its `gate` statement fails while `go` is empty.
fn gated(dir: &std::path::Path, m2_header: &str, gate: &str) -> Catalog {
    std::fs::write(
        dir.join("m1_hits.sql"),
        "-- A counter\n--\n-- Revision ID: m1\n-- Revises:\n\n-- migrate:upgrade\n\
         CREATE TABLE hits (step INTEGER PRIMARY KEY, n INTEGER NOT NULL);\n\
         INSERT INTO hits VALUES (1, 0), (2, 0);\nCREATE SCHEMA other;\nCREATE TABLE go (id INTEGER);\n\n\
         -- migrate:downgrade\nDROP TABLE go;\nDROP SCHEMA other;\nDROP TABLE hits;\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("m2_steps.sql"),
        format!(
            "-- Statement by statement\n--\n-- Revision ID: m2\n-- Revises: m1\n{m2_header}\n\
             -- migrate:upgrade\n\
             SET search_path TO other, public;\n\
             UPDATE hits SET n = n + 1 WHERE step = 1;\n\
             {gate};\n\
             CREATE TABLE t_s (id INTEGER);\n\
             UPDATE hits SET n = n + 1 WHERE step = 2;\n\n\
             -- migrate:downgrade\nDROP TABLE other.t_s;\n"
        ),
    )
    .expect("write");
    Catalog::from_scan(scan::scan(dir).expect("valid"))
}

const NONE: &str = "-- Transaction: none\n";
const GATE: &str = "SELECT 1 / (SELECT count(*) FROM go)";

#[tokio::test]
async fn a_failed_statement_may_be_fixed_in_the_file_and_the_session_is_set_again() {
    let db = Db::Pg(PgDb::new());
    let dir = tempfile::tempdir().expect("dir");
    let broken = gated(dir.path(), NONE, "SELECT 1 / 0");
    let failed = upgrade(&broken, &db).await.expect_err("division by zero");
    assert!(failed.contains("division by zero"), "{failed}");

    // The statement that failed is fixed in the file: it took no effect, so that is allowed.
    db.query("INSERT INTO go VALUES (1)");
    let fixed = gated(dir.path(), NONE, GATE);
    upgrade(&fixed, &db)
        .await
        .expect("continues with the fixed statement");
    assert_eq!(
        db.query("SELECT CAST(n AS TEXT) FROM hits ORDER BY step"),
        ["1", "1"],
        "the statements before it ran once"
    );
    // The `SET search_path` before the stop held for what came after it, on the new session too.
    assert_eq!(
        db.query("SELECT coalesce(to_regclass('other.t_s')::text, 'none') || ' ' || coalesce(to_regclass('public.t_s')::text, 'none')"),
        ["other.t_s none"]
    );
}

#[tokio::test]
async fn a_header_that_no_longer_says_transaction_none_is_refused() {
    let db = Db::Pg(PgDb::new());
    let dir = tempfile::tempdir().expect("dir");
    let none = gated(dir.path(), NONE, GATE);
    upgrade(&none, &db).await.expect_err("go is empty");
    db.query("INSERT INTO go VALUES (1)");
    let whole = gated(dir.path(), "", GATE);
    let refused = upgrade(&whole, &db)
        .await
        .expect_err("the journal has rows");
    assert!(
        refused.contains("migrations/m2_steps.sql, which no longer says `Transaction: none`"),
        "{refused}"
    );
    assert_eq!(
        db.query("SELECT CAST(n AS TEXT) FROM hits ORDER BY step"),
        ["1", "0"],
        "nothing ran again"
    );
}
