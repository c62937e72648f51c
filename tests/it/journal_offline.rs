//! Offline scripts keep the step journal: `upgrade --sql`, run by the database's own client
//! and stopped at any journal write, leaves what a stopped runner leaves, and `upgrade`
//! continues from it to the schema a clean run leaves. Judged by `pg_dump`, `mysqldump` and
//! `sqlite3`, and by the counter the data statements write.

use aurora_migrate::Target;

use crate::journal::{Fault, as_text, catalog, dump, points, remove_stop, stop_at, upgrade};
use crate::support::{Db, MysqlDb, PgDb, SqliteDb, run_with_client, runner};

/// The journal's rows a stop left, as a resume reads them: `failed` and no row alike mean
/// "did not take effect", and only a run that lives on after the fault can write `failed`.
fn left_behind(db: &Db) -> Vec<String> {
    db.query(&as_text(
        db,
        "SELECT CAST(step AS TEXT) FROM alembic_version_aurora_steps WHERE state <> 'failed' ORDER BY step",
    ))
    .into_iter()
    .zip(db.query(
        "SELECT state FROM alembic_version_aurora_steps WHERE state <> 'failed' ORDER BY step",
    ))
    .map(|(step, state)| format!("{step} {state}"))
    .collect()
}

/// `upgrade --sql`, run by the database's own client and stopped at a journal write, leaves
/// the journal the runner leaves when stopped there, and `upgrade` continues from it.
async fn offline_matrix(make: fn() -> Db) {
    use aurora_migrate::offline::{Offline, Range};
    use aurora_migrate::runner::Transaction;
    use aurora_migrate::version_table::Tables;
    let reference_db = make();
    let dir = tempfile::tempdir().expect("dir");
    let catalog = catalog(dir.path(), &reference_db);
    upgrade(&catalog, &reference_db).await.expect("a clean run");
    let reference = dump(&reference_db);
    let kind = match &reference_db {
        Db::Pg(_) => aurora_migrate::Database::Postgres,
        Db::Sqlite(_) => aurora_migrate::Database::Sqlite,
        Db::Mysql(_) => aurora_migrate::Database::Mysql,
    };
    let script = Offline {
        database: kind,
        tables: Tables::new("alembic_version").unwrap(),
        transaction: Transaction::PerMigration,
    }
    .script(
        &catalog,
        aurora_migrate::migrations::Direction::Upgrade,
        &Range::parse("m1:head", aurora_migrate::migrations::Direction::Upgrade).unwrap(),
    )
    .expect("script")
    .text;
    // On PostgreSQL the session ends, as when a DBA's psql loses its connection.
    let fault = match reference_db {
        Db::Pg(_) => Fault::Terminate,
        _ => Fault::FailedWrite,
    };
    for point in points(&reference_db) {
        let (by_runner, by_script) = (make(), make());
        for db in [&by_runner, &by_script] {
            runner(&catalog, db)
                .upgrade(&Target::parse("m1").unwrap(), &mut |_| {})
                .await
                .expect("m1");
            run_with_client(db, &stop_at(db, point, fault));
        }
        upgrade(&catalog, &by_runner)
            .await
            .expect_err("the runner stops");
        let stopped = crate::support::try_with_client(&by_script, &script);
        assert!(!stopped.status.success(), "{point:?}: the script stops");
        assert_eq!(
            left_behind(&by_script),
            left_behind(&by_runner),
            "{point:?}: the script leaves what the runner leaves"
        );
        run_with_client(&by_script, remove_stop(&by_script));
        upgrade(&catalog, &by_script)
            .await
            .unwrap_or_else(|e| panic!("{point:?}: upgrade continues the script: {e}"));
        assert_eq!(dump(&by_script), reference, "{point:?}");
        assert_eq!(
            by_script.query(&as_text(
                &by_script,
                "SELECT CAST(n AS TEXT) FROM hits ORDER BY step"
            )),
            ["1", "1"],
            "{point:?}: each data statement ran once"
        );
    }
}

#[tokio::test]
async fn a_postgres_script_stopped_anywhere_leaves_what_the_runner_leaves() {
    offline_matrix(|| Db::Pg(PgDb::new())).await;
}

#[tokio::test]
async fn a_sqlite_script_stopped_anywhere_leaves_what_the_runner_leaves() {
    offline_matrix(|| Db::Sqlite(SqliteDb::new())).await;
}

#[tokio::test]
async fn a_mariadb_script_stopped_anywhere_leaves_what_the_runner_leaves() {
    offline_matrix(|| Db::Mysql(MysqlDb::new())).await;
}
