//! Backfills on PostgreSQL, SQLite and MariaDB: a revision's `-- migrate:backfill` block run
//! inline by `upgrade`, deferred and run beside it, and the revision that requires it refused
//! until it is done. Each row changed once (`touch_count`), the table equal to a reference
//! computed in SQL, `rows_done` equal to the rows changed.

use std::path::Path;

use aurora_migrate::backfill::JobState;
use aurora_migrate::migrations::source::scan;
use aurora_migrate::runner::Backfills;
use aurora_migrate::{Catalog, DatabaseUrl, Options, Runner, Target};

use crate::support::Db;

/// m1 the table; m2 a column and its backfill; m3 an index that requires it.
pub(crate) fn write_catalog(dir: &Path, batch_time: &str) -> Catalog {
    let file = |name: &str, text: String| std::fs::write(dir.join(name), text).expect("write");
    file(
        "b1_items.sql",
        "-- Items\n--\n-- Revision ID: b1\n-- Revises:\n\n-- migrate:upgrade\n\
         CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, v INTEGER NOT NULL, touch_count INTEGER NOT NULL DEFAULT 0);\n\n\
         -- migrate:downgrade\nDROP TABLE items;\n"
            .to_string(),
    );
    file(
        "b2_double.sql",
        format!(
            "-- Fill doubled\n--\n-- Revision ID: b2\n-- Revises: b1\n\n-- migrate:upgrade\n\
             ALTER TABLE items ADD COLUMN doubled INTEGER;\n\n\
             -- migrate:backfill\n-- Table: items\n-- Key: id\n-- Batch Time: {batch_time}\n\
             SET doubled = v * 2, touch_count = touch_count + 1 -- each walk of a row counts\nWHERE v >= 0;\n\n\
             -- migrate:downgrade\nALTER TABLE items DROP COLUMN doubled;\n"
        ),
    );
    file(
        "b3_tighten.sql",
        "-- Index the doubled values\n--\n-- Revision ID: b3\n-- Revises: b2\n-- Requires Backfill: b2\n\n\
         -- migrate:upgrade\nCREATE INDEX items_doubled ON items (doubled);\n\n\
         -- migrate:downgrade\nDROP INDEX items_doubled ON items;\n"
            .to_string(),
    );
    let sqlite_drop = "-- migrate:downgrade sqlite\nDROP INDEX items_doubled;\n-- migrate:downgrade postgresql\nDROP INDEX items_doubled;\n";
    let text = std::fs::read_to_string(dir.join("b3_tighten.sql")).unwrap();
    file("b3_tighten.sql", format!("{text}{sqlite_drop}"));
    Catalog::from_scan(scan::scan(dir).expect("valid"))
}

/// Fills `items` with `rows` rows, `v = id % 97`.
pub(crate) fn fill(db: &Db, rows: u64) {
    let sql = match db {
        Db::Pg(_) => {
            format!("INSERT INTO items (id, v) SELECT i, i % 97 FROM generate_series(1, {rows}) i")
        }
        Db::Sqlite(_) => format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) \
             INSERT INTO items (id, v) SELECT i, i % 97 FROM n"
        ),
        Db::Mysql(_) => {
            format!("INSERT INTO items (id, v) SELECT seq, seq % 97 FROM seq_1_to_{rows}")
        }
    };
    crate::support::run_with_client(db, &format!("{sql};\n"));
}

/// Rows whose backfill is wrong or was run other than once, as the database counts them.
pub(crate) fn wrong_rows(db: &Db) -> String {
    one(
        db,
        "SELECT CAST(count(*) AS CHAR(20)) FROM items WHERE doubled IS NULL OR doubled <> v * 2 OR touch_count <> 1",
    )
}

/// The first value `sql` selects, as text.
pub(crate) fn one(db: &Db, sql: &str) -> String {
    let sql = match db {
        Db::Mysql(_) => sql.to_string(),
        _ => sql.replace("AS CHAR(20)", "AS TEXT"),
    };
    db.query(&sql).into_iter().next().unwrap_or_default()
}

pub(crate) fn runner<'c>(catalog: &'c Catalog, db: &Db, backfills: Backfills) -> Runner<'c> {
    let options = Options::default().with_backfills(backfills);
    Runner::new(catalog, DatabaseUrl::parse(db.url()).unwrap(), options).unwrap()
}

#[tokio::test]
async fn an_upgrade_runs_the_backfill_inline_before_the_revision_that_requires_it() {
    for db in Db::all() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = write_catalog(dir.path(), "20ms");
        let inline = runner(&catalog, &db, Backfills::Inline);
        inline
            .upgrade(&Target::parse("b1").unwrap(), &mut |_| {})
            .await
            .unwrap();
        fill(&db, 5000);
        let mut batches = 0;
        inline
            .upgrade(&Target::Head, &mut |event| {
                if matches!(
                    event,
                    aurora_migrate::Event::Backfill(aurora_migrate::backfill::Event::Batch { .. })
                ) {
                    batches += 1;
                }
            })
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", db.name()));
        assert_eq!(wrong_rows(&db), "0", "{}", db.name());
        assert!(batches > 1, "{}: {batches} batch(es)", db.name());
        let jobs = inline.backfills().await.unwrap();
        assert_eq!(jobs.len(), 1, "{}", db.name());
        assert_eq!(jobs[0].state, JobState::Done, "{}", db.name());
        assert_eq!(jobs[0].rows_done, 5000, "{}", db.name());
        assert_eq!(jobs[0].rows_seen, 5000, "{}", db.name());
        let standing = inline.standing().await.unwrap();
        assert!(standing.is_ready(), "{}", db.name());
        assert_eq!(standing.backfills.len(), 1);
    }
}

#[tokio::test]
async fn a_deferred_backfill_gates_the_revision_that_requires_it_until_it_is_done() {
    for db in Db::all() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = write_catalog(dir.path(), "20ms");
        let deferred = runner(&catalog, &db, Backfills::Defer);
        deferred
            .upgrade(&Target::parse("b1").unwrap(), &mut |_| {})
            .await
            .unwrap();
        fill(&db, 3000);
        // The whole plan is refused before anything runs: b3 needs b2's backfill.
        let refused = deferred
            .upgrade(&Target::Head, &mut |_| {})
            .await
            .unwrap_err();
        assert_eq!(
            refused.code(),
            "backfill_pending",
            "{}: {refused}",
            db.name()
        );
        assert!(
            refused
                .to_string()
                .contains("b3 requires the backfill of b2, which is pending"),
            "{refused}"
        );
        assert_eq!(
            deferred.standing().await.unwrap().applied.len(),
            1,
            "{}",
            db.name()
        );
        deferred
            .upgrade(&Target::parse("b2").unwrap(), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(
            one(
                &db,
                "SELECT CAST(count(*) AS CHAR(20)) FROM items WHERE doubled IS NULL"
            ),
            "3000"
        );
        let refused = deferred
            .upgrade(&Target::Head, &mut |_| {})
            .await
            .unwrap_err();
        assert_eq!(refused.code(), "backfill_pending");
        let standing = deferred.standing().await.unwrap();
        assert_eq!(standing.backfills[0].state, JobState::Pending);
        // Paused: `run` stops at once, and the gate names the pause.
        deferred
            .set_backfill("b2", JobState::Paused, Some("peak traffic"))
            .await
            .unwrap();
        let mut settings = aurora_migrate::backfill::Settings::default();
        settings.stop_when_paused = true;
        let command = runner(&catalog, &db, Backfills::Defer).with_backfill_settings(settings);
        let ran = command.run_backfills(None, &mut |_| {}).await.unwrap();
        assert_eq!(ran[0].state, JobState::Paused);
        assert_eq!(
            one(
                &db,
                "SELECT CAST(count(*) AS CHAR(20)) FROM items WHERE doubled IS NULL"
            ),
            "3000"
        );
        let refused = Runner::new(
            &catalog,
            DatabaseUrl::parse(db.url()).unwrap(),
            Options::default().with_run_backfills(true),
        )
        .unwrap()
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .unwrap_err();
        assert!(refused.to_string().contains("paused"), "{refused}");
        deferred
            .set_backfill("b2", JobState::Running, None)
            .await
            .unwrap();
        // --run-backfills: the remaining batches, then b3.
        Runner::new(
            &catalog,
            DatabaseUrl::parse(db.url()).unwrap(),
            Options::default()
                .with_run_backfills(true)
                .with_backfills(Backfills::Defer),
        )
        .unwrap()
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", db.name()));
        assert_eq!(wrong_rows(&db), "0", "{}", db.name());
        assert_eq!(deferred.standing().await.unwrap().pending.len(), 0);
        // Reverting b2 forgets its job; applied again, it starts afresh.
        deferred
            .downgrade(&Target::parse("b1").unwrap(), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(deferred.backfills().await.unwrap().len(), 0);
        deferred
            .upgrade(&Target::parse("b2").unwrap(), &mut |_| {})
            .await
            .unwrap();
        assert_eq!(
            deferred.backfills().await.unwrap()[0].state,
            JobState::Pending,
            "{}",
            db.name()
        );
    }
}

#[tokio::test]
async fn an_offline_script_leaves_the_backfill_to_a_runner_and_refuses_the_gated_revision() {
    use aurora_migrate::migrations::Direction;
    use aurora_migrate::offline::{Offline, Range};
    use aurora_migrate::runner::Transaction;
    use aurora_migrate::version_table::Tables;
    for db in Db::all() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = write_catalog(dir.path(), "20ms");
        let kind = match &db {
            Db::Pg(_) => aurora_migrate::Database::Postgres,
            Db::Sqlite(_) => aurora_migrate::Database::Sqlite,
            Db::Mysql(_) => aurora_migrate::Database::Mysql,
        };
        let offline = Offline {
            database: kind,
            tables: Tables::new("alembic_version").unwrap(),
            transaction: Transaction::PerMigration,
        };
        let script = |direction, range: &str| {
            offline.script(
                &catalog,
                direction,
                &Range::parse(range, direction).unwrap(),
            )
        };
        let refused = script(Direction::Upgrade, "b1:head").unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("cannot apply b3: it requires the backfill of b2"),
            "{refused}"
        );
        // Up to b2 by the database's own client: the job is left to a runner, which runs it.
        let deferred = runner(&catalog, &db, Backfills::Defer);
        deferred
            .upgrade(&Target::parse("b1").unwrap(), &mut |_| {})
            .await
            .unwrap();
        fill(&db, 500);
        let up = script(Direction::Upgrade, "b1:b2").unwrap().text;
        assert!(
            up.contains("Its backfill (table items) is not in this script"),
            "{up}"
        );
        crate::support::run_with_client(&db, &up);
        assert_eq!(
            deferred.backfills().await.unwrap()[0].state,
            JobState::Pending
        );
        deferred.run_backfills(None, &mut |_| {}).await.unwrap();
        assert_eq!(wrong_rows(&db), "0", "{}", db.name());
        // Down by a script, up by a script: the job is cleared each time, never left done.
        crate::support::run_with_client(&db, &script(Direction::Downgrade, "b2:b1").unwrap().text);
        crate::support::run_with_client(&db, &up);
        assert_eq!(
            deferred.backfills().await.unwrap()[0].state,
            JobState::Pending,
            "{}: a job left from an earlier application passed for this one's",
            db.name()
        );
    }
}

#[tokio::test]
async fn a_key_that_is_not_a_not_null_integer_is_refused_and_nothing_changes() {
    for db in Db::all() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        file(
            "k1_tags.sql",
            "-- Tags\n--\n-- Revision ID: k1\n-- Revises:\n\n-- migrate:upgrade\n\
             CREATE TABLE tags (name VARCHAR(20) NOT NULL PRIMARY KEY, n INTEGER);\n\
             INSERT INTO tags (name, n) VALUES ('10', 1), ('9', 2), ('abc', 3);\n\n\
             -- migrate:downgrade\nDROP TABLE tags;\n",
        );
        file(
            "k2_fill.sql",
            "-- Fill n\n--\n-- Revision ID: k2\n-- Revises: k1\n\n-- migrate:upgrade\nSELECT 1;\n\n\
             -- migrate:backfill\n-- Table: tags\n-- Key: name\nSET n = n + 100;\n\n-- migrate:downgrade\n",
        );
        let catalog = Catalog::from_scan(scan::scan(dir.path()).expect("valid"));
        let refused = runner(&catalog, &db, Backfills::Inline)
            .upgrade(&Target::Head, &mut |_| {})
            .await
            .unwrap_err();
        assert_eq!(refused.code(), "backfill_key", "{}: {refused}", db.name());
        assert!(refused.to_string().contains("tags.name"), "{refused}");
        assert_eq!(
            one(&db, "SELECT CAST(sum(n) AS CHAR(20)) FROM tags"),
            "6",
            "{}: a refused backfill changed rows",
            db.name()
        );
    }
}
