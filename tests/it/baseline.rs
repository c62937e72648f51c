//! `baseline`: a database made by hand joins a history. The file it writes, run on a fresh
//! database, builds the same schema (compared by introspection), its downgrade drops it, and
//! the original database is recorded at it with nothing run. On PostgreSQL, SQLite and MariaDB.

use aurora_migrate::migrations::source::scan;
use aurora_migrate::{Catalog, DatabaseUrl, Options, Runner, Target};

use crate::support::{Db, aurora, run_with_client};

fn hand_made(db: &Db) -> &'static str {
    match db {
        Db::Pg(_) => {
            "CREATE TYPE mood AS ENUM ('calm', 'busy');\n\
             CREATE TABLE teams (id SERIAL PRIMARY KEY, name VARCHAR(80) NOT NULL UNIQUE, mood mood NOT NULL DEFAULT 'calm');\n\
             CREATE TABLE people (id BIGSERIAL PRIMARY KEY, team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE, \
              email TEXT NOT NULL, age INTEGER CHECK (age >= 0), joined TIMESTAMPTZ NOT NULL DEFAULT now());\n\
             CREATE INDEX people_by_email ON people (email);\n"
        }
        Db::Sqlite(_) => {
            "CREATE TABLE teams (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(80) NOT NULL UNIQUE, mood VARCHAR(4) NOT NULL DEFAULT 'calm');\n\
             CREATE TABLE people (id INTEGER PRIMARY KEY, team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE, \
              email TEXT NOT NULL, age INTEGER, joined TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);\n\
             CREATE INDEX people_by_email ON people (email);\n"
        }
        Db::Mysql(_) => {
            "CREATE TABLE teams (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(80) NOT NULL UNIQUE, \
              mood ENUM('calm', 'busy') NOT NULL DEFAULT 'calm');\n\
             CREATE TABLE people (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, team_id INTEGER NOT NULL, email VARCHAR(200) NOT NULL, \
              age INTEGER, joined TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, \
              CONSTRAINT people_team FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE);\n\
             CREATE INDEX people_by_email ON people (email);\n"
        }
    }
}

#[test]
fn a_hand_made_database_joins_a_history_and_a_fresh_one_builds_the_same_schema() {
    for db in Db::all() {
        let name = db.name();
        run_with_client(&db, hand_made(&db));
        db.query("INSERT INTO teams (name) VALUES ('core')");
        let before = db.catalogue();
        let project = tempfile::tempdir().unwrap();
        let args = [
            "baseline",
            "-m",
            "Schema before the take-over",
            "--rev-id",
            "0a1b2c3d4e5f",
        ];
        let (code, stdout, stderr) = aurora(project.path(), &db, &args);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        let path = project.path().join(stdout.trim());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(
                "-- Schema before the take-over\n--\n-- Revision ID: 0a1b2c3d4e5f\n-- Revises: \n"
            ),
            "{name}: {text}"
        );
        assert_eq!(
            db.catalogue(),
            before,
            "{name}: nothing ran on the database"
        );
        assert_eq!(
            db.query("SELECT version_num FROM alembic_version"),
            ["0a1b2c3d4e5f"],
            "{name}"
        );
        assert_eq!(
            db.query("SELECT name FROM teams"),
            ["core"],
            "{name}: the data stays"
        );

        let catalog = Catalog::from_scan(scan::scan(&project.path().join("migrations")).unwrap());
        let runner = |target: &Db| {
            Runner::new(
                &catalog,
                DatabaseUrl::parse(target.url()).unwrap(),
                Options::default(),
            )
            .unwrap()
        };
        let standing = block(runner(&db).standing()).unwrap();
        assert!(
            standing.changed.is_empty()
                && standing.unrecorded.is_empty()
                && standing.pending.is_empty(),
            "{name}"
        );

        let fresh = db.another();
        block(runner(&fresh).upgrade(&Target::Head, &mut |_| {})).unwrap();
        // Introspected by us (the dump), and on PostgreSQL and MariaDB by the server's own
        // catalogue too (SQLite's keeps the CREATE text as typed, which differs in spelling).
        let dumped = |target: &Db| {
            block(aurora_migrate::dump::dump(&runner(target)))
                .unwrap()
                .text
        };
        assert_eq!(
            dumped(&fresh),
            dumped(&db),
            "{name}: the file builds the same schema\n{text}"
        );
        if !matches!(db, Db::Sqlite(_)) {
            assert_eq!(
                fresh.catalogue(),
                before,
                "{name}: the file builds the same schema\n{text}"
            );
        }
        block(runner(&fresh).downgrade(&Target::Base, &mut |_| {})).unwrap();
        assert!(
            fresh.tables().is_empty(),
            "{name}: its downgrade drops it all: {:?}",
            fresh.tables()
        );
        if let Db::Pg(_) = fresh {
            assert!(
                fresh
                    .query("SELECT typname::text FROM pg_type WHERE typname = 'mood'")
                    .is_empty(),
                "the enum type too"
            );
        }

        // A database with a history, and a directory with migrations, are refused.
        let (code, _, stderr) = aurora(project.path(), &db, &["baseline", "-m", "again"]);
        assert_eq!(code, Some(1), "{name}");
        assert!(
            stderr.contains("holds 1 migration(s) already"),
            "{name}: {stderr}"
        );
        let empty = tempfile::tempdir().unwrap();
        let (code, _, stderr) = aurora(empty.path(), &db, &["baseline", "-m", "again"]);
        assert_eq!(code, Some(1), "{name}");
        assert!(
            stderr.contains("has the version table alembic_version already"),
            "{name}: {stderr}"
        );
        assert!(
            !empty.path().join("migrations").exists(),
            "{name}: nothing written"
        );

        let nothing = db.another();
        let (code, _, stderr) = aurora(empty.path(), &nothing, &["baseline", "-m", "empty"]);
        assert_eq!(code, Some(1), "{name}");
        assert!(stderr.contains("no tables or types"), "{name}: {stderr}");
    }
}

fn block<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}
