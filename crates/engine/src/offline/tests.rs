use super::*;
use aurora_migrate_core::Migration;

fn catalog() -> Catalog {
    let files = [
        (
            "a1_create_t.sql",
            "-- create t\n-- Revision ID: a1\n-- Revises:\n\n-- migrate:upgrade\nCREATE TABLE t (id INTEGER PRIMARY KEY);\n\n-- migrate:downgrade\nDROP TABLE t;\n",
        ),
        (
            "b2_index_t.sql",
            "-- index t\n-- Revision ID: b2\n-- Revises: a1\n-- Transaction: none\n\n-- migrate:upgrade\nCREATE INDEX ix_t ON t (id);\n\n-- migrate:downgrade\nDROP INDEX ix_t;\n",
        ),
    ];
    let migrations = files
        .iter()
        .map(|(name, text)| Migration::parse(name, text).expect("valid"))
        .collect();
    Catalog::from_data(aurora_migrate_core::Revisions::new(migrations).expect("graph"))
}

fn offline(database: Database) -> Offline {
    Offline {
        database,
        tables: Tables::new("alembic_version").unwrap(),
        transaction: Transaction::PerMigration,
    }
}

#[test]
fn a_range_starts_at_base_unless_it_names_a_start() {
    let range = Range::parse("head", Direction::Upgrade).unwrap();
    assert_eq!((range.from, range.to), (None, Target::Head));
    let range = Range::parse("a1:b2", Direction::Upgrade).unwrap();
    assert_eq!(range.from, Some(Target::Revision("a1".into())));
    assert_eq!(
        Range::parse(":", Direction::Upgrade).unwrap().to,
        Target::Heads
    );
}

#[test]
fn targets_that_count_from_the_database_are_refused() {
    for text in ["-1", "+2", "current", "current:head", "a1:-1", "label@-1"] {
        let direction = if text.contains(':') {
            Direction::Downgrade
        } else {
            Direction::Upgrade
        };
        let error = Range::parse(text, direction).unwrap_err().to_string();
        assert!(
            error.contains("offline script does not read"),
            "{text}: {error}"
        );
    }
    let error = Range::parse("base", Direction::Downgrade)
        .unwrap_err()
        .to_string();
    assert!(error.contains("needs FROM:TO"), "{error}");
    // Counting from a named revision needs no database.
    assert!(Range::parse("a1:a1+1", Direction::Upgrade).is_ok());
}

#[test]
fn each_database_gets_the_script_its_driver_would_send() {
    let catalog = catalog();
    for database in [Database::Postgres, Database::Sqlite, Database::Mysql] {
        let range = Range::parse("heads", Direction::Upgrade).unwrap();
        let script = offline(database)
            .script(&catalog, Direction::Upgrade, &range)
            .unwrap();
        assert_eq!(script.revisions, ["a1", "b2"]);
        insta::assert_snapshot!(format!("upgrade@{}", database.name()), script.text);
        let range = Range::parse("heads:base", Direction::Downgrade).unwrap();
        let script = offline(database)
            .script(&catalog, Direction::Downgrade, &range)
            .unwrap();
        assert_eq!(script.revisions, ["b2", "a1"]);
        insta::assert_snapshot!(format!("downgrade@{}", database.name()), script.text);
    }
}

#[test]
fn a_whole_run_holds_no_migration_outside_a_transaction_and_none_on_mysql() {
    let catalog = catalog();
    let whole = |database| Offline {
        transaction: Transaction::All,
        ..offline(database)
    };
    let range = Range::parse("a1", Direction::Upgrade).unwrap();
    let script = whole(Database::Postgres)
        .script(&catalog, Direction::Upgrade, &range)
        .unwrap();
    let text = &script.text;
    let run = text
        .find("-- One transaction for the whole run.\nBEGIN;\n")
        .expect("the run's BEGIN");
    let step = text
        .find("SELECT set_config('aurora.step_started', clock_timestamp()::text, true);")
        .expect("the step mark");
    let commit = text
        .find("COMMIT;\nSELECT pg_advisory_unlock")
        .expect("the run's COMMIT");
    assert!(run < step && step < commit, "{text}");
    assert_eq!(
        text.matches("COMMIT").count(),
        2,
        "the bookkeeping DDL's and the run's: {text}"
    );
    let range = Range::parse("heads", Direction::Upgrade).unwrap();
    let refused = whole(Database::Postgres).script(&catalog, Direction::Upgrade, &range);
    assert!(matches!(
        refused,
        Err(Error::WholeRunWithoutTransaction { .. })
    ));
    let refused = whole(Database::Mysql).script(&catalog, Direction::Upgrade, &range);
    assert!(matches!(refused, Err(Error::WholeRunOnMysql)));
}

#[test]
fn an_empty_range_says_so() {
    let range = Range::parse("a1:a1", Direction::Upgrade).unwrap();
    let script = offline(Database::Sqlite)
        .script(&catalog(), Direction::Upgrade, &range)
        .unwrap();
    assert!(script.revisions.is_empty());
    assert!(
        script
            .text
            .ends_with("-- Nothing to do: the range holds no migration.\n")
    );
}
