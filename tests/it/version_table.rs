//! The version table under any name a database can hold, refused under a name it cannot, and
//! judged against the graph: a damaged table stops `upgrade`, `downgrade`, `check` and
//! `status` instead of passing.

use std::path::Path;

use crate::support::{Db, MysqlDb, PgDb, SqliteDb, cli, texts};

const HEAD: &str = "8d1e6b0f2a57";

fn run(dir: &Path, url: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let output = cli(dir)
        .args(["--database-url", url])
        .args(args)
        .output()
        .expect("run");
    let (stdout, stderr) = texts(&output);
    (output.status.code(), stdout, stderr)
}

/// upgrade, read back, nothing to do, one step down and up again, all under `table`.
fn round_trip(url: &str, table: &str) {
    let dir = tempfile::tempdir().expect("dir");
    let with = |args: &[&str]| {
        let mut all = vec!["--version-table", table];
        all.extend_from_slice(args);
        run(dir.path(), url, &all)
    };
    let (code, _, stderr) = with(&["upgrade"]);
    assert_eq!(code, Some(0), "{table}: {stderr}");
    let (code, stdout, stderr) = with(&["current"]);
    assert_eq!(
        (code, stdout.trim()),
        (Some(0), "8d1e6b0f2a57 (head)"),
        "{table}: {stderr}"
    );
    let (code, stdout, _) = with(&["upgrade"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("nothing to do"),
        "{table} is read back: {stdout}"
    );
    assert_eq!(with(&["downgrade", "-1"]).0, Some(0));
    let (code, stdout, stderr) = with(&["check", "--format", "json"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stdout.contains("1 migration(s) not applied: 8d1e6b0f2a57"),
        "{stdout}"
    );
    assert_eq!(with(&["upgrade"]).0, Some(0));
    let (code, _, stderr) = with(&["check"]);
    assert_eq!(code, Some(0), "{table}: {stderr}");
}

#[test]
fn a_schema_qualified_version_table_works_on_every_database_that_has_schemas() {
    let sqlite = SqliteDb::new();
    round_trip(&sqlite.url, "main.ops_version");
    assert_eq!(
        sqlite
            .query("SELECT name FROM sqlite_master WHERE name = 'ops_version'")
            .len(),
        1
    );

    let pg = PgDb::new();
    pg.query("CREATE SCHEMA ops");
    round_trip(&pg.url, "ops.av");
    assert_eq!(
        pg.query(
            "SELECT to_regclass('ops.av')::text || ' ' || to_regclass('ops.av_aurora_log')::text"
        ),
        ["ops.av ops.av_aurora_log"]
    );

    let mysql = MysqlDb::new();
    let other = MysqlDb::new();
    round_trip(&mysql.url, &format!("{}.av", other.name));
    assert_eq!(
        other.query("SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1"),
        ["av", "av_aurora_dirty", "av_aurora_log", "av_aurora_steps"]
    );
}

#[test]
fn a_version_table_a_database_cannot_hold_is_refused_before_anything_changes() {
    let dir = tempfile::tempdir().expect("dir");
    let sqlite = SqliteDb::new();
    for name in ["ops.alembic_version", "temp.av", "x.y"] {
        let (code, _, stderr) = run(
            dir.path(),
            &sqlite.url,
            &["--version-table", name, "upgrade"],
        );
        assert_eq!(code, Some(1), "{name}: {stderr}");
        assert!(stderr.contains("SQLite has no schemas"), "{stderr}");
    }
    let pg = PgDb::new();
    let (code, _, stderr) = run(
        dir.path(),
        &pg.url,
        &["--version-table", "nope.av", "upgrade"],
    );
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("schema \"nope\" does not exist"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(" at line "),
        "no server source position: {stderr}"
    );

    for db in Db::all() {
        let (limit, longest) = match db {
            Db::Pg(_) => (Some(63), 50),
            Db::Mysql(_) => (Some(64), 51),
            Db::Sqlite(_) => (None, 200),
        };
        let too_long = "v".repeat(longest + 1);
        let (code, _, stderr) = run(
            dir.path(),
            db.url(),
            &["--version-table", &too_long, "upgrade"],
        );
        match limit {
            Some(limit) => {
                assert_eq!(code, Some(1), "{}: {stderr}", db.name());
                assert!(
                    stderr.contains(&format!("over the database's limit of {limit}"))
                        && stderr.contains(&format!("at most {longest} characters")),
                    "{stderr}"
                );
                assert!(db.tables().is_empty(), "nothing was created");
            }
            None => {
                assert_eq!(code, Some(0), "SQLite has no limit: {stderr}");
                continue;
            }
        }
        let fits = "v".repeat(longest);
        let (code, stdout, stderr) =
            run(dir.path(), db.url(), &["--version-table", &fits, "upgrade"]);
        assert_eq!(code, Some(0), "{}: {stdout}{stderr}", db.name());
        let (_, stdout, _) = run(dir.path(), db.url(), &["--version-table", &fits, "current"]);
        assert_eq!(stdout.trim(), "8d1e6b0f2a57 (head)");
    }
}

#[test]
fn a_damaged_version_table_stops_every_command_that_judges_it() {
    for db in Db::all() {
        let dir = tempfile::tempdir().expect("dir");
        let url = db.url().to_string();
        let run = |args: &[&str]| run(dir.path(), &url, args);
        assert_eq!(run(&["upgrade"]).0, Some(0));

        // A revision beside its own descendant.
        db.query("INSERT INTO alembic_version (version_num) VALUES ('cec3a80e61a4')");
        let stacked = "holds cec3a80e61a4 beside its descendant 8d1e6b0f2a57";
        for args in [
            &["upgrade"][..],
            &["downgrade", "-1"],
            &["check"],
            &["status"],
        ] {
            let (code, stdout, stderr) = run(args);
            assert_eq!(code, Some(1), "{} {args:?}: {stdout}{stderr}", db.name());
            assert!(
                format!("{stdout}{stderr}").contains(stacked),
                "{args:?}: {stdout}{stderr}"
            );
        }
        let (_, stdout, _) = run(&["status", "--format", "json"]);
        let document: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
        assert_eq!(document["state"], "inconsistent");
        assert_eq!(run(&["stamp", HEAD]).0, Some(0), "stamp repairs it");
        assert_eq!(run(&["check"]).0, Some(0));

        // A row twice, in a table made without a primary key.
        db.query("DROP TABLE alembic_version");
        db.query("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)");
        db.query(&format!(
            "INSERT INTO alembic_version (version_num) VALUES ('{HEAD}'), ('{HEAD}')"
        ));
        for args in [&["upgrade"][..], &["check"]] {
            let (code, stdout, stderr) = run(args);
            assert_eq!(code, Some(1), "{} {args:?}", db.name());
            assert!(
                format!("{stdout}{stderr}").contains(&format!("holds {HEAD} more than once")),
                "{stdout}{stderr}"
            );
        }
        db.query(&format!(
            "DELETE FROM alembic_version WHERE version_num = '{HEAD}'"
        ));
        db.query(&format!(
            "INSERT INTO alembic_version (version_num) VALUES ('{HEAD}')"
        ));

        // The log dropped beside applied revisions: nothing can be verified.
        db.query("DROP TABLE alembic_version_aurora_log");
        let (code, stdout, _) = run(&["check", "--format", "json"]);
        assert_eq!(code, Some(1));
        let document: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
        assert_eq!(document["ok"], false);
        assert_eq!(document["checksums_verified"], 0);
        assert!(
            document["problems"][0]
                .as_str()
                .is_some_and(|p| p.contains("3 applied revision(s) have no recorded checksum")),
            "{document}"
        );
        let (code, stdout, _) = run(&["status"]);
        assert_eq!(code, Some(0), "at the heads, though unverified: {stdout}");
        assert!(
            stdout.contains("without a recorded checksum: cec3a80e61a4"),
            "{stdout}"
        );
        assert_eq!(run(&["stamp", HEAD]).0, Some(0));
        let (code, stdout, _) = run(&["check"]);
        assert_eq!(code, Some(0));
        assert!(stdout.contains("3 checksum(s) verified"), "{stdout}");
    }
}

#[test]
fn our_tables_are_found_by_name_as_each_database_compares_names() {
    let dir = tempfile::tempdir().expect("dir");
    // SQLite folds case: ALEMBIC_VERSION is the table alembic_version, in every command.
    let sqlite = SqliteDb::new();
    let (code, _, stderr) = run(dir.path(), &sqlite.url, &["upgrade"]);
    assert_eq!(code, Some(0), "{stderr}");
    for name in ["ALEMBIC_VERSION", "Alembic_Version", "alembic_VERSION"] {
        let table = ["--version-table", name];
        let (code, stdout, stderr) = run(
            dir.path(),
            &sqlite.url,
            &[&table[..], &["current"]].concat(),
        );
        assert_eq!(code, Some(0), "{name}: {stderr}");
        assert!(stdout.contains(HEAD), "{name}: {stdout}");
        let (code, _, stderr) = run(
            dir.path(),
            &sqlite.url,
            &[&table[..], &["upgrade"]].concat(),
        );
        assert_eq!(
            code,
            Some(0),
            "{name}: the initial migration ran again: {stderr}"
        );
        assert!(!stderr.contains("upgrade <base>"), "{name}: {stderr}");
        let (code, _, stderr) = run(dir.path(), &sqlite.url, &[&table[..], &["status"]].concat());
        assert_eq!(code, Some(0), "{name}: {stderr}");
        let (code, stdout, stderr) =
            run(dir.path(), &sqlite.url, &[&table[..], &["dump"]].concat());
        assert_eq!(code, Some(0), "{name}: {stderr}");
        // Our tables appear once, as ours (made if missing, then their rows), never as a
        // table of the schema.
        let creates = stdout
            .lines()
            .filter(|l| {
                l.to_ascii_lowercase().contains("create table")
                    && l.to_ascii_lowercase().contains("alembic_version")
            })
            .count();
        assert_eq!(
            creates, 2,
            "{name}: the dump holds our own tables twice:\n{stdout}"
        );
    }
    assert_eq!(
        sqlite.query("SELECT CAST(count(*) AS TEXT) FROM sqlite_master WHERE name LIKE '%alembic_version%' AND type = 'table'"),
        ["2"],
        "a second set of bookkeeping tables was made"
    );
    // PostgreSQL compares quoted names exactly, and MySQL as lower_case_table_names says
    // (0 here, as on Linux by default): ALEMBIC_VERSION is another table, which does not exist.
    let (pg, mysql) = (PgDb::new(), MysqlDb::new());
    for url in [&pg.url, &mysql.url] {
        let (code, _, stderr) = run(dir.path(), url, &["upgrade"]);
        assert_eq!(code, Some(0), "{stderr}");
        let (code, stdout, stderr) = run(
            dir.path(),
            url,
            &["--version-table", "ALEMBIC_VERSION", "current"],
        );
        assert_eq!(code, Some(0), "{url}: {stderr}");
        assert!(!stdout.contains(HEAD), "{url}: {stdout}");
    }
    let folded = mysql.query("SELECT CAST(@@lower_case_table_names AS CHAR)");
    assert_eq!(
        folded,
        ["0"],
        "this test expects MySQL to compare table names exactly"
    );
}
