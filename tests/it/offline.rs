//! Offline SQL: the script `upgrade --sql` prints, run by `psql`, `sqlite3` and `mariadb`,
//! leaves the schema, version table and log that `upgrade` leaves; the downgrade script from
//! head to base leaves what `downgrade base` does; `check` and `current` agree with a script.

use std::path::Path;

use crate::support::{Db, aurora, cli, run_with_client, texts, try_with_client};

/// The version table and the log, minus when and how long.
fn bookkeeping(db: &Db) -> (Vec<String>, Vec<String>) {
    let mut rows = db.query("SELECT version_num FROM alembic_version");
    rows.sort();
    let columns = [
        "revision",
        "checksum",
        "coalesce(message, '-')",
        "coalesce(parents, '-')",
        "coalesce(compatibility, '-')",
        "coalesce(CAST(transactional AS CHAR(1)), '-')",
        "coalesce(downgrade, '-')",
        "coalesce(downgrade_checksum, '-')",
        "CASE WHEN execution_ms IS NULL THEN 'stamped' ELSE 'run' END",
    ];
    let sql = match db {
        Db::Mysql(_) => format!(
            "SELECT CONCAT_WS('|', {}) FROM alembic_version_aurora_log",
            columns.join(", ")
        ),
        _ => format!(
            "SELECT {} FROM alembic_version_aurora_log",
            columns.join(" || '|' || ")
        ),
    };
    let mut log = db.query(&sql);
    log.sort();
    (rows, log)
}

fn script(dir: &Path, args: &[&str], dialect: &str) -> String {
    let output = cli(dir)
        .args(args)
        .args(["--sql", "--dialect", dialect])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    stdout
}

#[test]
fn a_printed_script_leaves_what_upgrade_and_downgrade_leave() {
    let dir = tempfile::tempdir().unwrap();
    for by_script in Db::all() {
        let name = by_script.name();
        let online = by_script.another();
        let upgrade = script(dir.path(), &["upgrade"], name);
        assert!(
            upgrade.contains("-- upgrade 3f2a9c1b7d4e -> 8d1e6b0f2a57"),
            "{upgrade}"
        );
        run_with_client(&by_script, &upgrade);
        assert_eq!(
            aurora(dir.path(), &online, &["upgrade"]).0,
            Some(0),
            "{name}"
        );

        assert_eq!(by_script.catalogue(), online.catalogue(), "{name}: schema");
        let (rows, log) = bookkeeping(&by_script);
        assert_eq!(
            (rows.clone(), log.clone()),
            bookkeeping(&online),
            "{name}: bookkeeping"
        );
        assert_eq!(rows, ["8d1e6b0f2a57"], "{name}");
        assert!(
            log.iter().all(|entry| entry.ends_with("|run")),
            "{name}: {log:?}"
        );

        let (code, stdout, stderr) = aurora(dir.path(), &by_script, &["check"]);
        assert_eq!(code, Some(0), "{name}: {stdout}{stderr}");
        let (_, stdout, _) = aurora(dir.path(), &by_script, &["current"]);
        assert_eq!(stdout.trim(), "8d1e6b0f2a57 (head)", "{name}");

        let downgrade = script(dir.path(), &["downgrade", "head:base"], name);
        run_with_client(&by_script, &downgrade);
        assert_eq!(
            aurora(dir.path(), &online, &["downgrade", "base"]).0,
            Some(0),
            "{name}"
        );
        assert_eq!(
            by_script.catalogue(),
            online.catalogue(),
            "{name}: schema at base"
        );
        assert_eq!(bookkeeping(&by_script), (vec![], vec![]), "{name}");
        assert_eq!(bookkeeping(&online), (vec![], vec![]), "{name}");
        let (_, stdout, _) = aurora(dir.path(), &by_script, &["current"]);
        assert_eq!(stdout.trim(), "", "{name}: at base");
    }
}

#[test]
fn a_partial_range_and_a_whole_run_script_continue_where_the_database_is() {
    let dir = tempfile::tempdir().unwrap();
    for db in Db::all() {
        let name = db.name();
        assert_eq!(
            aurora(dir.path(), &db, &["upgrade", "3f2a9c1b7d4e"]).0,
            Some(0)
        );
        let rest = script(dir.path(), &["upgrade", "3f2a9c1b7d4e:head"], name);
        assert_eq!(rest.matches("\n-- upgrade ").count(), 1, "{name}: {rest}");
        run_with_client(&db, &rest);
        assert_eq!(aurora(dir.path(), &db, &["check"]).0, Some(0), "{name}");
        if name != "mysql" {
            let whole = db.another();
            let text = script(dir.path(), &["upgrade", "--transaction", "all"], name);
            run_with_client(&whole, &text);
            assert_eq!(aurora(dir.path(), &whole, &["check"]).0, Some(0), "{name}");
            assert_eq!(whole.catalogue(), db.catalogue(), "{name}");
        }
    }
}

#[test]
fn targets_an_offline_script_cannot_resolve_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    for (args, said) in [
        (
            &["upgrade", "+1"][..],
            "counts from the revision the database is at",
        ),
        (
            &["upgrade", "current:head"][..],
            "counts from the revision the database is at",
        ),
        (&["downgrade", "-1"][..], "needs FROM:TO"),
        (&["downgrade", "base"][..], "needs FROM:TO"),
        (&["upgrade", "nope"][..], "nope"),
    ] {
        let output = cli(dir.path())
            .args(args)
            .args(["--sql", "--dialect", "postgresql"])
            .output()
            .unwrap();
        let (stdout, stderr) = texts(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: nothing printed: {stdout}");
    }
    let output = cli(dir.path())
        .args([
            "upgrade",
            "--sql",
            "--dialect",
            "mysql",
            "--transaction",
            "all",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    // Without --dialect, the URL says which database; nothing connects to it.
    let output = cli(dir.path())
        .args([
            "upgrade",
            "--sql",
            "--database-url",
            "postgresql://nobody@127.0.0.1:1/none",
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.starts_with("-- Offline upgrade script for postgresql"),
        "{stdout}"
    );
}

/// Everything a script could change: the schema and both bookkeeping tables.
fn everything(db: &Db) -> (Vec<String>, (Vec<String>, Vec<String>)) {
    (db.catalogue(), bookkeeping(db))
}

#[test]
fn a_script_stops_before_its_first_change_unless_the_database_is_where_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    for db in Db::all() {
        let name = db.name();
        let (code, _, stderr) = aurora(dir.path(), &db, &["upgrade", "cec3a80e61a4"]);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        let before = everything(&db);
        for (args, range) in [
            (&["upgrade"][..], "3f2a9c1b7d4e:head"),
            (&["upgrade"], "base:head"),
            (&["upgrade"], "head"),
            (&["downgrade"], "head:base"),
            (&["downgrade"], "8d1e6b0f2a57:3f2a9c1b7d4e"),
        ] {
            let text = script(dir.path(), &[args, &[range]].concat(), name);
            let output = try_with_client(&db, &text);
            let (_, stderr) = texts(&output);
            assert!(
                !output.status.success(),
                "{name} {args:?} {range} ran on a database at cec3a80e61a4"
            );
            assert!(
                stderr.contains("where this script starts")
                    || stderr.contains("database_is_not_where_this_script_starts"),
                "{name} {args:?} {range}: {stderr}"
            );
            assert_eq!(
                everything(&db),
                before,
                "{name} {args:?} {range} changed the database"
            );
        }
        // Where it starts, it runs.
        run_with_client(
            &db,
            &script(dir.path(), &["upgrade", "cec3a80e61a4:head"], name),
        );
        let (rows, _) = bookkeeping(&db);
        assert_eq!(rows, ["8d1e6b0f2a57"], "{name}");
    }
}

#[test]
fn a_range_written_backwards_is_refused_not_an_empty_script() {
    let dir = tempfile::tempdir().unwrap();
    for (direction, range, other) in [
        ("upgrade", "8d1e6b0f2a57:cec3a80e61a4", "downgrade"),
        ("upgrade", "head:base", "downgrade"),
        ("upgrade", "8d1e6b0f2a57:3f2a9c1b7d4e", "downgrade"),
        ("downgrade", "cec3a80e61a4:8d1e6b0f2a57", "upgrade"),
        ("downgrade", "base:head", "upgrade"),
    ] {
        let output = cli(dir.path())
            .args([direction, range, "--sql", "--dialect", "postgresql"])
            .output()
            .unwrap();
        let (stdout, stderr) = texts(&output);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{direction} {range}: {stdout}"
        );
        assert!(
            stderr.contains("goes the other way") && stderr.contains(&format!("{other} --sql")),
            "{direction} {range}: {stderr}"
        );
    }
    // Nothing to do is still nothing to do.
    let output = cli(dir.path())
        .args(["upgrade", "head:head", "--sql", "--dialect", "postgresql"])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("Nothing to do"), "{stdout}");
}

#[test]
fn status_and_check_flag_a_log_that_records_more_than_the_version_table_holds() {
    let dir = tempfile::tempdir().unwrap();
    for db in Db::all() {
        let name = db.name();
        assert_eq!(aurora(dir.path(), &db, &["upgrade"]).0, Some(0), "{name}");
        // The version table moved back by hand (or by another tool), the log untouched.
        db.query("UPDATE alembic_version SET version_num = 'cec3a80e61a4'");
        let (code, stdout, _) = aurora(dir.path(), &db, &["status", "--format", "json"]);
        assert_eq!(code, Some(1), "{name}: {stdout}");
        let status: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        assert_eq!(status["state"], "logged_not_applied", "{name}: {status}");
        assert_eq!(
            status["logged_not_applied"],
            serde_json::json!(["3f2a9c1b7d4e", "8d1e6b0f2a57"]),
            "{name}"
        );
        let (code, stdout, _) = aurora(dir.path(), &db, &["check"]);
        assert_eq!(code, Some(1), "{name}");
        assert!(
            stdout.contains("the log records 3f2a9c1b7d4e, 8d1e6b0f2a57 as applied"),
            "{name}: {stdout}"
        );
        // Recording where the database really is clears it.
        assert_eq!(
            aurora(dir.path(), &db, &["stamp", "head"]).0,
            Some(0),
            "{name}"
        );
        assert_eq!(aurora(dir.path(), &db, &["status"]).0, Some(0), "{name}");
    }
}
