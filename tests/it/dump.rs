//! `dump`: the schema from the database's own catalog. Two databases built by the same
//! migrations dump the same bytes; a dump loaded into an empty database dumps again the same
//! and stands at its revision; `dump --check` exits 1 with a diff when a file is stale;
//! `upgrade --dump` rewrites the file. On PostgreSQL, SQLite and MariaDB.

use std::path::Path;

use crate::support::{Db, aurora, run_with_client};

fn dump(dir: &Path, db: &Db) -> String {
    let (code, stdout, stderr) = aurora(dir, db, &["dump"]);
    assert_eq!(code, Some(0), "{}: {stderr}", db.name());
    stdout
}

#[test]
fn the_same_migrations_dump_the_same_bytes_and_a_loaded_dump_dumps_again_the_same() {
    let dir = tempfile::tempdir().unwrap();
    for first in Db::all() {
        let name = first.name();
        let (second, loaded) = (first.another(), first.another());
        assert_eq!(
            aurora(dir.path(), &first, &["upgrade"]).0,
            Some(0),
            "{name}"
        );
        assert_eq!(
            aurora(dir.path(), &second, &["upgrade"]).0,
            Some(0),
            "{name}"
        );
        let text = dump(dir.path(), &first);
        assert_eq!(text, dump(dir.path(), &second), "{name}: byte for byte");
        assert!(
            text.starts_with(&format!(
                "-- Schema of a {name} database at revision 8d1e6b0f2a57"
            )),
            "{name}: {text}"
        );
        for table in ["chains", "tokens", "wallets"] {
            assert!(
                text.contains(&format!("CREATE TABLE \"{table}\" (")),
                "{name}: {table}"
            );
        }

        run_with_client(&loaded, &text);
        assert_eq!(
            text,
            dump(dir.path(), &loaded),
            "{name}: loaded and dumped again"
        );
        if name != "sqlite" {
            // SQLite's catalogue is the text of each CREATE statement, which the dump writes
            // canonically; the others' is the structure.
            assert_eq!(
                loaded.catalogue(),
                first.catalogue(),
                "{name}: the same schema"
            );
        }
        let (_, current, _) = aurora(dir.path(), &loaded, &["current"]);
        assert_eq!(current.trim(), "8d1e6b0f2a57 (head)", "{name}");
        let (code, stdout, stderr) = aurora(dir.path(), &loaded, &["check"]);
        assert_eq!(code, Some(0), "{name}: {stdout}{stderr}");
        let (code, _, stderr) = aurora(dir.path(), &loaded, &["downgrade", "base"]);
        assert_eq!(
            code,
            Some(0),
            "{name}: a loaded dump reverts like a migrated database: {stderr}"
        );
    }
}

#[test]
fn a_stale_schema_file_fails_the_check_with_a_diff_and_upgrade_dump_rewrites_it() {
    let dir = tempfile::tempdir().unwrap();
    for db in Db::all() {
        let name = db.name();
        let file = dir.path().join(format!("schema-{name}.sql"));
        let path = file.to_str().unwrap();
        assert_eq!(
            aurora(dir.path(), &db, &["upgrade", "3f2a9c1b7d4e"]).0,
            Some(0)
        );
        let (code, stdout, _) = aurora(dir.path(), &db, &["dump", "--output", path]);
        assert_eq!(code, Some(0), "{name}");
        assert!(stdout.contains("at 3f2a9c1b7d4e"), "{name}: {stdout}");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            dump(dir.path(), &db)
        );
        assert_eq!(
            aurora(dir.path(), &db, &["dump", "--check", path]).0,
            Some(0),
            "{name}"
        );

        // The migrations moved on; the committed file did not.
        assert_eq!(aurora(dir.path(), &db, &["upgrade"]).0, Some(0));
        let (code, stdout, stderr) = aurora(dir.path(), &db, &["dump", "--check", path]);
        assert_eq!(code, Some(1), "{name}");
        assert!(stderr.contains("is stale"), "{name}: {stderr}");
        assert!(
            stdout.starts_with(&format!("--- {path}\n+++ dump of the database\n")),
            "{name}: {stdout}"
        );
        assert!(
            stdout.contains(
                "\n-INSERT INTO \"alembic_version\" (version_num) VALUES ('3f2a9c1b7d4e');"
            ),
            "{name}: {stdout}"
        );
        assert!(
            stdout.contains(
                "\n+INSERT INTO \"alembic_version\" (version_num) VALUES ('8d1e6b0f2a57');"
            ),
            "{name}: {stdout}"
        );

        assert_eq!(aurora(dir.path(), &db, &["downgrade", "-1"]).0, Some(0));
        let (code, _, stderr) = aurora(dir.path(), &db, &["upgrade", "--dump", path]);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        assert_eq!(
            aurora(dir.path(), &db, &["dump", "--check", path]).0,
            Some(0),
            "{name}"
        );

        let missing = dir.path().join("missing.sql");
        let (code, _, stderr) = aurora(
            dir.path(),
            &db,
            &["dump", "--check", missing.to_str().unwrap()],
        );
        assert_eq!(code, Some(1), "{name}");
        assert!(stderr.contains("dump --output"), "{name}: {stderr}");
    }
}

#[test]
fn a_dump_of_auroras_schema_reads_as_canonical_sql() {
    let dir = tempfile::tempdir().unwrap();
    for db in [
        Db::Pg(crate::support::PgDb::new()),
        Db::Sqlite(crate::support::SqliteDb::new()),
    ] {
        assert_eq!(aurora(dir.path(), &db, &["upgrade"]).0, Some(0));
        insta::assert_snapshot!(format!("dump@{}", db.name()), dump(dir.path(), &db));
    }
}

#[test]
fn a_checkout_that_changed_line_endings_or_added_a_bom_is_not_stale() {
    let dir = tempfile::tempdir().unwrap();
    for db in Db::all() {
        let name = db.name();
        assert_eq!(aurora(dir.path(), &db, &["upgrade"]).0, Some(0));
        let fresh = dump(dir.path(), &db);
        let file = dir.path().join(format!("schema-{name}.sql"));
        let path = file.to_str().unwrap();
        for (what, text) in [
            ("CRLF", fresh.replace('\n', "\r\n")),
            ("a BOM", format!("\u{feff}{fresh}")),
            (
                "a BOM and CRLF",
                format!("\u{feff}{}", fresh.replace('\n', "\r\n")),
            ),
        ] {
            std::fs::write(&file, &text).unwrap();
            let (code, stdout, stderr) = aurora(dir.path(), &db, &["dump", "--check", path]);
            assert_eq!(code, Some(0), "{name}, {what}: {stdout}{stderr}");
        }
        // A real change still shows, in CRLF too.
        let stale = fresh.replacen("CREATE TABLE", "CREATE  TABLE", 1);
        std::fs::write(&file, stale.replace('\n', "\r\n")).unwrap();
        let (code, stdout, _) = aurora(dir.path(), &db, &["dump", "--check", path]);
        assert_eq!(code, Some(1), "{name}: {stdout}");
        assert_eq!(
            stdout.matches("\n-").count(),
            1,
            "{name}: one line differs: {stdout}"
        );

        // A missing file is not a stale one: its own code.
        let missing = dir.path().join("missing.sql");
        let output = crate::support::cli(dir.path())
            .args([
                "--format",
                "json",
                "--database-url",
                db.url(),
                "dump",
                "--check",
            ])
            .arg(&missing)
            .output()
            .unwrap();
        let (stdout, _) = crate::support::texts(&output);
        let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(value["error"]["code"], "dump_missing", "{name}: {stdout}");
        assert_eq!(output.status.code(), Some(1), "{name}");
    }
}
