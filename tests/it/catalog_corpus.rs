//! Catalog fidelity on odd schemas built by fixture scripts (`tests/fixtures/catalog/<db>.sql`):
//! what `baseline` and `dump` carry rebuilds the same schema, judged by the database's own
//! tools, and what they do not carry is named every time, never dropped in silence.

use aurora_migrate::migrations::source::scan;
use aurora_migrate::{Catalog, DatabaseUrl, Options, Runner, Target};

use crate::support::{Db, MysqlDb, PgDb, SqliteDb, aurora, fixture, run_with_client};

mod kinds;
mod oracle;

use kinds::{MYSQL_KINDS, POSTGRES_KINDS, POSTGRES_LEFT_OUT, SQLITE_KINDS};

use oracle::{mysql_schema, postgres_schema, sqlite_schema};

fn script(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("catalog/{name}.sql"))).expect("fixture script")
}

#[test]
fn postgres_baseline_names_each_object_it_cannot_rebuild_and_records_an_accepted_loss() {
    let db = Db::Pg(PgDb::new());
    run_with_client(&db, &script("postgres"));
    let project = tempfile::tempdir().unwrap();
    let base = ["baseline", "-m", "Take over", "--rev-id", "0a1b2c3d4e5f"];

    let (code, _, stderr) = aurora(project.path(), &db, &base);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("20 object(s)"), "{stderr}");
    for object in POSTGRES_LEFT_OUT {
        assert!(
            stderr.contains(&format!("  - {object}")),
            "{object}: {stderr}"
        );
    }
    assert!(stderr.contains("--accept-loss"), "{stderr}");
    assert!(
        !project.path().join("migrations").exists()
            || std::fs::read_dir(project.path().join("migrations"))
                .unwrap()
                .count()
                == 0,
        "nothing is written"
    );
    assert!(db.query("SELECT to_regclass('alembic_version')::text")[0].is_empty());

    let accepting = [&base[..], &["--accept-loss"]].concat();
    let (code, stdout, stderr) = aurora(project.path(), &db, &accepting);
    assert_eq!(code, Some(0), "{stderr}");
    let text = std::fs::read_to_string(project.path().join(stdout.trim())).unwrap();
    let header: String = text
        .lines()
        .take_while(|l| l.starts_with("--"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        header.contains("-- Accepted Loss: 20 object(s), listed below\n"),
        "{header}"
    );
    for object in POSTGRES_LEFT_OUT {
        assert!(
            header.contains(&format!("--   - {object}")),
            "{object}: {header}"
        );
        assert!(
            stderr.contains(&format!("left out (accepted): {object}")),
            "{stderr}"
        );
    }
    // The build accepts the header: the file was read back to record it as applied.
    assert_eq!(
        db.query("SELECT version_num FROM alembic_version"),
        ["0a1b2c3d4e5f"]
    );

    let (code, dump, stderr) = aurora(project.path(), &db, &["dump"]);
    assert_eq!(code, Some(0), "{stderr}");
    let top: String = dump.lines().take(40).collect::<Vec<_>>().join("\n");
    assert!(
        top.contains("-- Left out: the database holds 20 object(s)"),
        "{top}"
    );
    for object in POSTGRES_LEFT_OUT {
        assert!(top.contains(&format!("--   - {object}")), "{object}: {top}");
        assert!(stderr.contains(&format!("left out: {object}")), "{stderr}");
    }
    let committed = project.path().join("schema.sql");
    std::fs::write(&committed, &dump).unwrap();
    let path = committed.display().to_string();
    let (code, _, stderr) = aurora(project.path(), &db, &["dump", "--check", &path]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("it cannot compare the 20 object(s) it leaves out (")
            && stderr.contains("event trigger")
            && stderr.contains("inheriting table"),
        "{stderr}"
    );
}

#[test]
fn postgres_baseline_carries_its_text_objects_as_pg_dump_shows_them() {
    let db = Db::Pg(PgDb::new());
    run_with_client(&db, &script("postgres_carried"));
    let changes = "CREATE OR REPLACE VIEW \"Cheap Things\" AS SELECT id, price FROM \"Odd T\" WHERE price < 2;\n\
                   CREATE OR REPLACE FUNCTION \"Twice\"(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT x * 3 $$;\n";
    round_trip(&db, postgres_schema, &POSTGRES_KINDS, changes);
}

#[test]
fn sqlite_baseline_carries_every_object_exactly_as_sqlite3_shows_it() {
    let db = Db::Sqlite(SqliteDb::new());
    run_with_client(&db, &script("sqlite"));
    // Dropping the view drops its INSTEAD OF trigger too.
    let changes = "DROP VIEW \"Cheapest\";\n\
                   CREATE VIEW \"Cheapest\" AS SELECT \"Id\" FROM \"Cheap Things\" WHERE price < 2;\n\
                   CREATE TRIGGER \"Instead Of Insert\" INSTEAD OF INSERT ON \"Cheapest\"\n\
                   BEGIN\n    INSERT INTO \"Odd T\" (\"Full Name\", price) VALUES ('via view', 1);\nEND;\n";
    round_trip(&db, sqlite_schema, &SQLITE_KINDS, changes);
}

#[test]
fn mariadb_baseline_carries_every_object_as_mysqldump_shows_it() {
    let db = Db::Mysql(MysqlDb::new());
    run_with_client(&db, &script("mysql"));
    let changes = "CREATE OR REPLACE VIEW `Cheapest` AS SELECT `Id` FROM `Cheap Things` WHERE `price` < 2;\n\
                   DROP FUNCTION `twice`;\n\
                   CREATE FUNCTION `twice`(x INT) RETURNS INT DETERMINISTIC RETURN x * 3;\n";
    round_trip(&db, mysql_schema, &MYSQL_KINDS, changes);
}

#[test]
fn a_schema_other_than_public_is_read_and_rebuilt_when_the_url_names_it() {
    let (db, fresh) = (Db::Pg(PgDb::new()), Db::Pg(PgDb::new()));
    let in_schema = "SET search_path = tenant_one;\n";
    for target in [&db, &fresh] {
        run_with_client(target, "CREATE SCHEMA tenant_one;");
    }
    run_with_client(&db, &format!("{in_schema}{}", script("postgres_carried")));
    let project = tempfile::tempdir().unwrap();
    let url = format!("{}?options=-c%20search_path%3Dtenant_one", db.url());
    let output = crate::support::cli(project.path())
        .args(["dump", "--database-url", &url])
        .output()
        .unwrap();
    let (dump, stderr) = crate::support::texts(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(!dump.contains("-- Left out"), "{dump}");
    run_with_client(&fresh, &format!("{in_schema}{dump}"));
    let shown = postgres_schema(&db);
    assert!(
        shown
            .concat()
            .contains("CREATE TABLE tenant_one.\"Ledger\"")
    );
    assert_eq!(postgres_schema(&fresh), shown, "{dump}");
    let in_public =
        "SELECT relname::text FROM pg_class WHERE relnamespace = 'public'::regnamespace";
    assert!(fresh.query(in_public).is_empty());
}

#[test]
fn what_mariadb_and_sqlite_do_not_carry_is_named_in_the_refusal() {
    let cases = [
        (
            Db::Mysql(MysqlDb::new()),
            "mysql_left_out",
            vec![
                "grants \"Tick Log\".\"'aurora_catalog_reader'@'localhost'\" (privileges on tables are not carried)",
            ],
        ),
        (
            Db::Sqlite(SqliteDb::new()),
            "sqlite_left_out",
            vec!["virtual table \"Note Search\""],
        ),
    ];
    for (db, fixture_name, named) in cases {
        let name = db.name();
        run_with_client(&db, &script(fixture_name));
        let project = tempfile::tempdir().unwrap();
        let (code, _, stderr) = aurora(project.path(), &db, &["baseline", "-m", "Take over"]);
        assert_eq!(code, Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("holds {} object(s)", named.len())),
            "{name}: {stderr}"
        );
        for object in named {
            assert!(
                stderr.contains(&format!("  - {object}")),
                "{name}: {object}: {stderr}"
            );
        }
        let (code, dump, _) = aurora(project.path(), &db, &["dump"]);
        assert_eq!(code, Some(0), "{name}");
        assert!(
            dump.contains("-- Left out: the database holds"),
            "{name}: {dump}"
        );
        if let Db::Mysql(_) = db {
            db.query("DROP USER IF EXISTS 'aurora_catalog_reader'@'localhost'");
        }
    }
}

/// Baselines `db` (nothing may be left out), builds a fresh database from the file, and
/// compares the two through `oracle`, the server's own tool, and through our dump, byte for
/// byte; then the file's downgrade empties the fresh database.
fn round_trip(db: &Db, oracle: fn(&Db) -> Vec<String>, kinds: &[&str], changes: &str) {
    let name = db.name();
    let before = oracle(db);
    let shown = before.concat();
    for kind in kinds {
        assert!(
            shown.contains(kind),
            "{name}: the fixture holds {kind}: {shown}"
        );
    }
    let project = tempfile::tempdir().unwrap();
    let args = ["baseline", "-m", "Take over", "--rev-id", "0a1b2c3d4e5f"];
    let (code, stdout, stderr) = aurora(project.path(), db, &args);
    assert_eq!(code, Some(0), "{name}: {stderr}");
    assert!(!stderr.contains("left out"), "{name}: {stderr}");
    let text = std::fs::read_to_string(project.path().join(stdout.trim())).unwrap();
    assert!(!text.contains("Accepted Loss"), "{name}: {text}");

    let catalog = Catalog::from_scan(scan::scan(&project.path().join("migrations")).unwrap());
    let runner = |target: &Db| {
        Runner::new(
            &catalog,
            DatabaseUrl::parse(target.url()).unwrap(),
            Options::default(),
        )
        .unwrap()
    };
    let fresh = db.another();
    block(runner(&fresh).upgrade(&Target::Head, &mut |_| {})).unwrap();
    assert_eq!(
        oracle(&fresh),
        before,
        "{name}: the file builds the same schema\n{text}"
    );
    let dumped = |target: &Db| {
        block(aurora_migrate::dump::dump(&runner(target)))
            .unwrap()
            .text
    };
    let original = dumped(db);
    assert!(!original.contains("-- Left out"), "{name}: {original}");
    assert_eq!(dumped(&fresh), original, "{name}: dumps byte for byte");

    // A changed view and a changed trigger or function show as drift against the dump.
    let committed = project.path().join("schema.sql");
    std::fs::write(&committed, &original).unwrap();
    let check = ["dump", "--check", committed.to_str().unwrap()];
    let (code, _, stderr) = aurora(project.path(), &fresh, &check);
    assert_eq!(code, Some(0), "{name}: {stderr}");
    run_with_client(&fresh, changes);
    let (code, diff, _) = aurora(project.path(), &fresh, &check);
    assert_eq!(code, Some(1), "{name}: {diff}");
    for changed in ["price < 2", "x * 3", "'via view', 1"]
        .iter()
        .filter(|c| changes.contains(*c))
    {
        assert!(
            diff.lines()
                .any(|l| l.starts_with('+') && l.contains(changed)),
            "{name}: {changed}: {diff}"
        );
    }

    block(runner(&fresh).downgrade(&Target::Base, &mut |_| {})).unwrap();
    assert!(fresh.tables().is_empty(), "{name}: {:?}", fresh.tables());
    let remaining = fresh.query(match db {
        Db::Sqlite(_) => "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE 'alembic_version%'",
        Db::Pg(_) => "SELECT relname::text FROM pg_class WHERE relnamespace = current_schema()::regnamespace \
                        AND relname NOT LIKE 'alembic_version%' \
                      UNION ALL SELECT proname::text FROM pg_proc WHERE pronamespace = current_schema()::regnamespace \
                      UNION ALL SELECT extname::text FROM pg_extension WHERE extname <> 'plpgsql' \
                      UNION ALL SELECT typname::text FROM pg_type WHERE typnamespace = current_schema()::regnamespace \
                        AND typname NOT LIKE 'alembic_version%' AND typname NOT LIKE '\\_alembic_version%'",
        _ => "SELECT CAST(ROUTINE_NAME AS CHAR) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() \
              UNION ALL SELECT CAST(TRIGGER_NAME AS CHAR) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()",
    });
    assert!(
        remaining.is_empty(),
        "{name}: its downgrade drops it all: {remaining:?}"
    );
}

fn block<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}
