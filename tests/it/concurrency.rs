//! Sixteen runners started at once against one database: every migration applied once.

use std::process::Stdio;

use crate::support::{Db, cli};

#[test]
fn sixteen_concurrent_upgrades_apply_each_migration_once() {
    for db in Db::all() {
        let dir = tempfile::tempdir().expect("dir");
        let children: Vec<_> = (0..16)
            .map(|_| {
                cli(dir.path())
                    .args(["--database-url", db.url(), "upgrade"])
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
                "{}: {}",
                db.name(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let log = db.query("SELECT revision FROM alembic_version_aurora_log ORDER BY revision");
        assert_eq!(
            log,
            ["3f2a9c1b7d4e", "8d1e6b0f2a57", "cec3a80e61a4"],
            "{}",
            db.name()
        );
        assert_eq!(
            db.query("SELECT version_num FROM alembic_version"),
            ["8d1e6b0f2a57"],
            "{}",
            db.name()
        );
    }
}
