//! `-v` prints each statement as it is sent, whatever path it takes: a step alone or in a
//! pipelined message, one transaction per migration or one for the run, `Transaction: none`,
//! up and down, on PostgreSQL, SQLite and MariaDB.

use std::io::Write;
use std::sync::{Arc, Mutex};

use aurora_migrate::migrations::{Database, Direction};
use aurora_migrate::{Catalog, DatabaseUrl, Options, Runner, Target};
use tracing_subscriber::util::SubscriberInitExt;

use crate::support::{Db, PgDb, aurora, catalog};

fn kind(db: &Db) -> Database {
    match db {
        Db::Pg(_) => Database::Postgres,
        Db::Sqlite(_) => Database::Sqlite,
        Db::Mysql(_) => Database::Mysql,
    }
}

/// The lines `-v` must print for each migration of `catalog` run in `direction` on `kind`.
fn expected(catalog: &Catalog, kind: Database, direction: Direction) -> Vec<String> {
    let mut lines = Vec::new();
    for (index, migration) in catalog.migrations().iter().enumerate() {
        let statements = catalog
            .statements(index, kind, direction)
            .unwrap_or_else(|e| panic!("{}: {e}", migration.id));
        for statement in statements.iter() {
            lines.push(format!(
                "{} {} (migrations/{}:{}): {}",
                direction.name(),
                migration.id,
                migration.file_name,
                statement.line,
                statement.text
            ));
        }
    }
    assert!(lines.len() >= 2, "{lines:?}");
    lines
}

fn missing(expected: &[String], printed: &str) -> Vec<String> {
    expected
        .iter()
        .filter(|line| !printed.contains(line.as_str()))
        .cloned()
        .collect()
}

#[test]
fn every_statement_is_printed_on_every_path_of_the_command_line() {
    let catalog = aurora::catalog().expect("embedded");
    let dir = tempfile::tempdir().expect("dir");
    let mut faults = Vec::new();
    for db in Db::all() {
        let kind = kind(&db);
        let mut runs: Vec<(&[&str], &[&str])> = vec![
            (&["upgrade"], &["downgrade", "base"]),
            (
                &["upgrade", "--pipeline", "1"],
                &["downgrade", "base", "--pipeline", "2"],
            ),
        ];
        if kind != Database::Mysql {
            runs.push((&["upgrade", "--transaction", "all"], &["downgrade", "base"]));
        }
        for (up, down) in runs {
            for (args, direction) in [(up, Direction::Upgrade), (down, Direction::Downgrade)] {
                let args: Vec<&str> = ["-v"].iter().chain(args).copied().collect();
                let (code, stdout, stderr) = aurora(dir.path(), &db, &args);
                assert_eq!(code, Some(0), "{}: {args:?}: {stdout}{stderr}", db.name());
                let lost = missing(&expected(&catalog, kind, direction), &stderr);
                if !lost.is_empty() {
                    faults.push(format!(
                        "{} {args:?} printed none of:\n  {}",
                        db.name(),
                        lost.join("\n  ")
                    ));
                }
            }
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

/// What the engine's debug events say while the guard lives.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("capture").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("capture")).into_owned()
    }
}

#[tokio::test]
async fn a_migration_outside_a_transaction_and_its_neighbours_are_printed() {
    let db = Db::Pg(PgDb::new());
    let catalog = catalog("concurrently");
    let captured = Captured::default();
    let writer = captured.clone();
    let _guard = tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
        .with_writer(move || writer.clone())
        .without_time()
        .set_default();
    for (target, direction) in [
        (Target::Head, Direction::Upgrade),
        (Target::Base, Direction::Downgrade),
    ] {
        let runner = Runner::new(
            &catalog,
            DatabaseUrl::parse(db.url()).unwrap(),
            Options::default(),
        )
        .unwrap();
        match direction {
            Direction::Upgrade => runner.upgrade(&target, &mut |_| {}).await,
            Direction::Downgrade => runner.downgrade(&target, &mut |_| {}).await,
        }
        .unwrap_or_else(|e| panic!("{}: {e}", direction.name()));
        let printed = captured.text();
        let lost = missing(&expected(&catalog, Database::Postgres, direction), &printed);
        assert!(lost.is_empty(), "not printed: {lost:?}\n{printed}");
    }
}
