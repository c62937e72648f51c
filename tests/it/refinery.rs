//! Taking over a database refinery migrated: the real refinery crate applies the first
//! migrations of `tests/fixtures/refinery` (SQL and Rust files, as refinery names them), then
//! a first `upgrade` adopts its history by refinery's own checksums and applies the rest; a
//! file changed since refinery applied it is refused with its version named, and nothing is
//! written. On SQLite (rusqlite), PostgreSQL (refinery's postgres driver) and MariaDB (its mysql
//! driver).

use aurora_migrate::error::{AdoptError, Error};
use aurora_migrate::migrations::source::scan;
use aurora_migrate::{Catalog, Embedded, RustBody, Target};

use crate::support::{Db, SqliteDb, aurora, fixture, runner};

mod embedded {
    refinery::embed_migrations!("tests/fixtures/refinery");
}

#[path = "../fixtures/refinery/V3__create_posts.rs"]
mod v3_create_posts;

/// The fixture as a build embeds it: the Rust migration with its function.
fn catalog_from(dir: &std::path::Path) -> Catalog {
    let scanned = scan::scan(dir).unwrap_or_else(|f| panic!("{f:?}"));
    let embedded: Vec<Embedded> = scanned
        .files
        .iter()
        .map(|file| Embedded {
            migration: file.migration.clone(),
            rust: (file.migration.file_name == "V3__create_posts.rs")
                .then_some(RustBody::Refinery(v3_create_posts::migration)),
        })
        .collect();
    Catalog::from_embedded(&embedded).unwrap()
}

/// refinery itself migrates `db` up to `version`, on a thread of its own (its postgres client
/// runs a runtime of its own).
fn refinery_migrates(db: &Db, version: i32) {
    let (url, kind) = (db.url().to_string(), db.name());
    std::thread::spawn(move || {
        let runner = embedded::migrations::runner().set_target(refinery::Target::Version(version));
        match kind {
            "postgresql" => {
                let mut client =
                    refinery_core::postgres::Client::connect(&url, refinery_core::postgres::NoTls)
                        .unwrap();
                runner.run(&mut client).unwrap();
            }
            "mysql" => {
                let options = refinery_core::mysql::Opts::from_url(&url).unwrap();
                let mut conn = refinery_core::mysql::Conn::new(options).unwrap();
                runner.run(&mut conn).unwrap();
            }
            _ => {
                let path = url.strip_prefix("sqlite://").unwrap();
                let mut conn = refinery_core::rusqlite::Connection::open(path).unwrap();
                runner.run(&mut conn).unwrap();
            }
        }
    })
    .join()
    .expect("refinery migrates");
}

fn dbs() -> Vec<Db> {
    Db::all()
}

fn refinery_rows(db: &Db) -> Vec<String> {
    db.query(match db {
        Db::Mysql(_) => "SELECT CAST(CONCAT(version, ' ', name, ' ', checksum) AS CHAR) FROM refinery_schema_history ORDER BY version",
        _ => "SELECT CAST(version AS TEXT) || ' ' || name || ' ' || checksum FROM refinery_schema_history ORDER BY version",
    })
}

#[tokio::test]
async fn a_first_upgrade_adopts_what_refinery_applied_and_applies_the_rest() {
    let catalog = catalog_from(&fixture("refinery"));
    for db in dbs() {
        let name = db.name();
        refinery_migrates(&db, 3);
        let before = refinery_rows(&db);
        assert_eq!(before.len(), 3, "{name}: refinery applied V1..V3");

        let status = runner(&catalog, &db).records().await.unwrap();
        assert!(
            status.current.is_empty(),
            "{name}: nothing is recorded before the first run"
        );
        let run = runner(&catalog, &db)
            .upgrade(&Target::Head, &mut |_| {})
            .await
            .unwrap();
        let applied: Vec<&str> = run.steps.iter().map(|s| s.revision.as_str()).collect();
        assert_eq!(
            applied,
            ["v4", "b7c1d2e3f4a5"],
            "{name}: only what refinery did not apply runs"
        );
        assert_eq!(run.current, ["b7c1d2e3f4a5"], "{name}");
        assert_eq!(
            refinery_rows(&db),
            before,
            "{name}: refinery's table is left as it was"
        );
        assert_eq!(
            db.query("SELECT version_num FROM alembic_version"),
            ["b7c1d2e3f4a5"],
            "{name}"
        );
        assert!(db.tables().contains(&"posts".to_string()), "{name}");

        // Every adopted revision has its checksum recorded: nothing is left unjudged.
        let status = runner(&catalog, &db).records().await.unwrap();
        assert!(status.unrecorded(&catalog).is_empty(), "{name}");

        // Down to v4 works (its file gives a downgrade); below it refinery's files have none.
        runner(&catalog, &db)
            .downgrade(&Target::parse("v3").unwrap(), &mut |_| {})
            .await
            .unwrap();
        let refused = runner(&catalog, &db)
            .downgrade(&Target::parse("v2").unwrap(), &mut |_| {})
            .await;
        let message = refused.unwrap_err().to_string();
        assert!(message.contains("V3__create_posts.rs"), "{name}: {message}");
        assert_eq!(
            db.query("SELECT version_num FROM alembic_version"),
            ["v3"],
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_file_changed_since_refinery_applied_it_is_refused_by_version_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("refinery")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let changed = dir.path().join("V2__add_email.sql");
    std::fs::write(
        &changed,
        "ALTER TABLE users ADD COLUMN email VARCHAR(250);\n",
    )
    .unwrap();
    let catalog = catalog_from(dir.path());
    for db in dbs() {
        let name = db.name();
        refinery_migrates(&db, 2);
        let tables = db.tables();
        let refused = runner(&catalog, &db)
            .upgrade(&Target::Head, &mut |_| {})
            .await;
        match &refused {
            Err(Error::Adopt(AdoptError::Changed {
                version: 2,
                name: n,
                ..
            })) => assert_eq!(n, "add_email"),
            other => panic!("{name}: {other:?}"),
        }
        let message = refused.unwrap_err().to_string();
        assert!(
            message.contains("V2__add_email changed since refinery applied it"),
            "{name}: {message}"
        );
        assert_eq!(
            db.tables(),
            tables,
            "{name}: nothing was written, no version table either"
        );
    }
}

#[tokio::test]
async fn a_downgrade_added_after_refinery_applied_a_file_is_not_a_change() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("refinery")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let db = Db::Sqlite(SqliteDb::new());
    refinery_migrates(&db, 2);
    let file = dir.path().join("V2__add_email.sql");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\n-- migrate:downgrade\nALTER TABLE users DROP COLUMN email;\n");
    std::fs::write(&file, text).unwrap();
    let catalog = catalog_from(dir.path());
    let adopted = runner(&catalog, &db).adopt_refinery().await.unwrap();
    assert_eq!(adopted.revisions, ["v1", "v2"]);
    runner(&catalog, &db)
        .downgrade(&Target::parse("v1").unwrap(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(db.query("SELECT version_num FROM alembic_version"), ["v1"]);
}

#[tokio::test]
async fn adopting_twice_or_without_refinery_is_refused() {
    let catalog = catalog_from(&fixture("refinery"));
    let db = Db::Sqlite(SqliteDb::new());
    let refused = runner(&catalog, &db).adopt_refinery().await;
    assert!(
        matches!(refused, Err(Error::Adopt(AdoptError::NoHistory))),
        "{refused:?}"
    );
    refinery_migrates(&db, 1);
    runner(&catalog, &db).adopt_refinery().await.unwrap();
    let refused = runner(&catalog, &db).adopt_refinery().await;
    assert!(
        matches!(refused, Err(Error::Adopt(AdoptError::Adopted(_)))),
        "{refused:?}"
    );
}

#[test]
fn the_binary_names_a_version_it_has_no_file_for() {
    let project = tempfile::tempdir().unwrap();
    let db = Db::Sqlite(SqliteDb::new());
    let (code, _, stderr) = aurora(project.path(), &db, &["adopt", "refinery"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("no refinery_schema_history table"),
        "{stderr}"
    );
    refinery_migrates(&db, 1);
    let (code, _, stderr) = aurora(project.path(), &db, &["adopt", "refinery"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("refinery applied V1__create_users, which this build has no file for"),
        "{stderr}"
    );
}

/// Aurora's own build carries none of refinery's files: on a database refinery migrated, a
/// run that would change it is refused as `adopt refinery` is, and changes nothing.
#[test]
fn a_build_without_refinery_s_files_refuses_a_database_refinery_migrated() {
    let project = tempfile::tempdir().unwrap();
    for db in dbs() {
        refinery_migrates(&db, 3);
        let ours = || {
            db.query(match &db {
                Db::Pg(_) => {
                    "SELECT tablename::text FROM pg_tables WHERE tablename LIKE 'alembic%'"
                }
                Db::Sqlite(_) => "SELECT name FROM sqlite_master WHERE name LIKE 'alembic%'",
                Db::Mysql(_) => {
                    "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES \
                                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'alembic%'"
                }
            })
        };
        let before = (db.catalogue(), db.tables(), refinery_rows(&db));
        assert!(ours().is_empty());
        for args in [
            &["upgrade"][..],
            &["upgrade", "cec3a80e61a4"],
            &["downgrade", "base"],
            &["reset", "--yes"],
        ] {
            let (code, _, stderr) = aurora(project.path(), &db, args);
            assert_eq!(code, Some(1), "{} {args:?}: {stderr}", db.name());
            assert!(
                stderr.contains("refinery migrated this database")
                    && stderr.contains("this build has none of refinery's V<n>__name files"),
                "{} {args:?}: {stderr}",
                db.name()
            );
            assert_eq!(
                (db.catalogue(), db.tables(), refinery_rows(&db)),
                before,
                "{} {args:?} changed the database",
                db.name()
            );
            assert!(ours().is_empty(), "{} {args:?} made our tables", db.name());
        }
    }
}
