//! Sixteen runners started at once against one database: every migration applied once, with
//! the advisory lock (PostgreSQL, MariaDB, and SQLite's file lock) and with the lease lock
//! (PostgreSQL and MariaDB).

use std::process::Stdio;

use crate::support::{Db, MysqlDb, PgDb, cli};

fn sixteen_at_once(db: &Db, lock: &[&str]) {
    let dir = tempfile::tempdir().expect("dir");
    let children: Vec<_> = (0..16)
        .map(|_| {
            cli(dir.path())
                .args(["--database-url", db.url(), "upgrade"])
                .args(lock)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        assert!(
            output.status.success(),
            "{} {lock:?}: {}",
            db.name(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let log = db.query("SELECT revision FROM alembic_version_aurora_log ORDER BY revision");
    assert_eq!(
        log,
        ["3f2a9c1b7d4e", "8d1e6b0f2a57", "cec3a80e61a4"],
        "{} {lock:?}",
        db.name()
    );
    assert_eq!(
        db.query("SELECT version_num FROM alembic_version"),
        ["8d1e6b0f2a57"],
        "{} {lock:?}",
        db.name()
    );
}

#[test]
fn sixteen_concurrent_upgrades_apply_each_migration_once() {
    for db in Db::all() {
        sixteen_at_once(&db, &[]);
    }
}

#[test]
fn sixteen_concurrent_upgrades_under_the_lease_apply_each_migration_once() {
    for db in [Db::Pg(PgDb::new()), Db::Mysql(MysqlDb::new())] {
        sixteen_at_once(&db, &["--lock", "lease"]);
        // The lease was taken sixteen times, once by each, and is free again.
        let text = match db {
            Db::Mysql(_) => "CHAR",
            _ => "TEXT",
        };
        assert_eq!(
            db.query(&format!(
                "SELECT CAST(CONCAT(token, ' ', COALESCE(holder, 'released')) AS {text}) FROM alembic_version_aurora_lease"
            )),
            ["16 released"],
            "{}",
            db.name()
        );
    }
}
