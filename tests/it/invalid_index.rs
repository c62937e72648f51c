//! A concurrent index build that fails or is cancelled leaves its index INVALID: no query uses
//! it, every write maintains it, and `IF NOT EXISTS` would take it for built. The next run
//! drops it and builds it again, and a run never reports such an index as built. Judged by
//! psql, on PostgreSQL.

use std::time::Duration;

use aurora_migrate::migrations::source::scan;
use aurora_migrate::{Catalog, DatabaseUrl, Options, Runner, Target};
use sqlx::{Connection, Executor};

use crate::support::PgDb;

/// A table whose `v` holds `values`, then a unique index on `v` built concurrently.
fn catalog(dir: &std::path::Path, values: &[i32]) -> Catalog {
    let rows: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("({}, {v})", i + 1))
        .collect();
    std::fs::write(
        dir.join("a1_table.sql"),
        format!(
            "-- A table\n--\n-- Revision ID: a1\n-- Revises:\n\n-- migrate:upgrade postgresql\n\
             CREATE TABLE t_u (id INTEGER PRIMARY KEY, v INTEGER);\nINSERT INTO t_u VALUES {};\n\n\
             -- migrate:downgrade\nDROP TABLE t_u;\n",
            rows.join(", ")
        ),
    )
    .expect("write");
    std::fs::write(
        dir.join("a2_index.sql"),
        "-- A unique index built without blocking writes\n--\n-- Revision ID: a2\n-- Revises: a1\n\
         -- Transaction: none\n\n-- migrate:upgrade\n\
         CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix_t_u_v ON t_u (v);\n\n\
         -- migrate:downgrade\nDROP INDEX CONCURRENTLY IF EXISTS ix_t_u_v;\n",
    )
    .expect("write");
    Catalog::from_scan(scan::scan(dir).expect("valid"))
}

/// psql's answer to `sql`, one line per row.
fn psql(db: &PgDb, sql: &str) -> String {
    let output = std::process::Command::new("psql")
        .args([
            "-X",
            "-tA",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            &db.url,
            "-c",
            sql,
        ])
        .output()
        .expect("psql");
    assert!(
        output.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

const VALIDITY: &str = "SELECT coalesce(string_agg(indisvalid::text, ','), 'none') FROM pg_index WHERE indexrelid = to_regclass('ix_t_u_v')";

async fn upgrade(catalog: &Catalog, db: &PgDb) -> Result<(), String> {
    let runner = Runner::new(
        catalog,
        DatabaseUrl::parse(&db.url).unwrap(),
        Options::default(),
    )
    .unwrap();
    runner
        .upgrade(&Target::Head, &mut |_| {})
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_failed_build_is_built_again_and_never_taken_for_done() {
    let db = PgDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let catalog = catalog(dir.path(), &[1, 1, 3]);

    let failed = upgrade(&catalog, &db).await.expect_err("a duplicate value");
    assert!(
        failed.contains("could not create unique index")
            && failed.contains("it left the index ix_t_u_v INVALID"),
        "{failed}"
    );
    assert_eq!(psql(&db, VALIDITY), "false", "the build left it INVALID");
    let runner = Runner::new(
        &catalog,
        DatabaseUrl::parse(&db.url).unwrap(),
        Options::default(),
    )
    .unwrap();
    let standing = runner.standing().await.expect("standing");
    let [unfinished] = standing.unfinished.as_slice() else {
        panic!("{:?}", standing.unfinished);
    };
    let error = unfinished.entry.as_ref().and_then(|e| e.error.clone());
    assert!(
        unfinished.step == 0
            && error
                .as_deref()
                .is_some_and(|e| e.contains("ix_t_u_v INVALID")),
        "status names the build and the INVALID index it left: {unfinished:?}"
    );

    // Run again over the same data: `IF NOT EXISTS` alone would skip the INVALID index and
    // record a2 as applied.
    let again = upgrade(&catalog, &db).await.expect_err("still a duplicate");
    assert!(again.contains("could not create unique index"), "{again}");
    assert_eq!(
        psql(&db, "SELECT version_num FROM alembic_version"),
        "a1",
        "a2 is not recorded over an INVALID index"
    );

    psql(&db, "DELETE FROM t_u WHERE id = 2");
    upgrade(&catalog, &db).await.expect("built again");
    assert_eq!(psql(&db, VALIDITY), "true");
    assert_eq!(psql(&db, "SELECT version_num FROM alembic_version"), "a2");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_build_is_dropped_and_built_again() {
    let db = PgDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let catalog = catalog(dir.path(), &[1, 2, 3]);

    // A transaction holding a snapshot: a concurrent build waits for it before it is valid.
    let mut reader = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    reader
        .execute("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1")
        .await
        .expect("snapshot");
    let mut watcher = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    let cancel = async {
        for _ in 0..600 {
            let cancelled: Option<bool> = sqlx::query_scalar(
                "SELECT pg_cancel_backend(pid) FROM pg_stat_progress_create_index \
                 WHERE datname = current_database() AND phase LIKE 'waiting for old snapshots%'",
            )
            .fetch_optional(&mut watcher)
            .await
            .expect("watch");
            if cancelled == Some(true) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    };
    let (upgraded, cancelled) = tokio::join!(upgrade(&catalog, &db), cancel);
    assert!(cancelled, "the build never waited for the snapshot");
    let failed = upgraded.expect_err("cancelled");
    assert!(
        failed.contains("canceling statement") && failed.contains("ix_t_u_v INVALID"),
        "{failed}"
    );
    assert_eq!(psql(&db, VALIDITY), "false");

    reader.execute("COMMIT").await.expect("commit");
    upgrade(&catalog, &db).await.expect("built again");
    assert_eq!(psql(&db, VALIDITY), "true");
    assert_eq!(psql(&db, "SELECT version_num FROM alembic_version"), "a2");
}
