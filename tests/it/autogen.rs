//! Autogenerate over the corpus, on PostgreSQL and SQLite: build the schema before, generate
//! the migration to the schema after, apply it, read the database back, revert it, read again.

use std::path::Path;

use aurora_migrate::Catalog;
use aurora_migrate::Database;
use aurora_migrate::autogenerate::{self, rust};
use aurora_migrate::ddl::Ddl;
use aurora_migrate::migrations::source::scan;
use aurora_migrate::schema::diff::{Change, diff};
use aurora_migrate::schema::model::Schema;
use aurora_migrate::{DatabaseUrl, Options, Runner, Target};

use crate::autogen_cases;
use crate::support::Db;

/// What a comparison must agree on: columns by name, checks by name (as the diff compares).
fn canonical(schema: &Schema, kind: Database) -> Schema {
    let mut schema = schema.normalized(kind);
    for table in &mut schema.tables {
        table.columns.sort_by(|a, b| a.name.cmp(&b.name));
        for check in &mut table.checks {
            check.expression.clear();
        }
    }
    schema
}

/// A migration file; `outside_transaction` adds `Transaction: none` to its header.
fn write(dir: &Path, id: &str, parent: &str, outside_transaction: bool, sections: &str) {
    let transaction = if outside_transaction {
        "-- Transaction: none\n"
    } else {
        ""
    };
    let text = format!(
        "-- {id}\n--\n-- Revision ID: {id}\n-- Revises: {parent}\n{transaction}\n{sections}"
    );
    std::fs::write(dir.join(format!("{id}_case.sql")), text).expect("write migration");
}

fn catalog(dir: &Path) -> Catalog {
    Catalog::from_scan(
        scan::scan(dir)
            .unwrap_or_else(|faults| panic!("generated migrations must parse: {faults:?}")),
    )
}

async fn introspect(catalog: &Catalog, url: &str, kind: Database) -> Schema {
    let runner = Runner::new(
        catalog,
        DatabaseUrl::parse(url).unwrap(),
        Options::default(),
    )
    .unwrap();
    autogenerate::introspect(&runner)
        .await
        .expect("introspect")
        .schema
        .normalized(kind)
}

async fn migrate(catalog: &Catalog, url: &str, target: &str, up: bool) {
    let runner = Runner::new(
        catalog,
        DatabaseUrl::parse(url).unwrap(),
        Options::default(),
    )
    .unwrap();
    let target = Target::parse(target).unwrap();
    let result = if up {
        runner.upgrade(&target, &mut |_| {}).await
    } else {
        runner.downgrade(&target, &mut |_| {}).await
    };
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Runs one case on one database and returns the generated migration, for the snapshot.
async fn run_case(case: &autogen_cases::Case, db: &Db, kind: Database) -> String {
    let label = format!("{} on {}", case.name, kind.name());
    let dir = tempfile::tempdir().expect("dir");
    let before = case.before.normalized(kind);
    let empty = Schema::default();
    write(
        dir.path(),
        "c1",
        "",
        false,
        &autogenerate::sections(&diff(&empty, &before), &empty, &before, kind),
    );
    let first = catalog(dir.path());
    migrate(&first, db.url(), "head", true).await;
    let current = introspect(&first, db.url(), kind).await;
    assert_eq!(
        canonical(&current, kind),
        canonical(&case.before, kind),
        "{label}: the schema before"
    );

    let after = case.after.normalized(kind);
    let changes: Vec<Change> = diff(&current, &after);
    if changes.is_empty() {
        assert_eq!(
            canonical(&case.before, kind),
            canonical(&case.after, kind),
            "{label}: no change detected"
        );
        return "(no change on this dialect)\n".into();
    }
    let mut sections = autogenerate::sections(&changes, &current, &after, kind);
    // As `create --autogenerate` writes it: outside a transaction when it uses a value it adds.
    let used = autogenerate::enum_values_added_and_used(&changes, kind);
    write(dir.path(), "c2", "c1", !used.is_empty(), &sections);
    if !used.is_empty() {
        sections = format!("Transaction: none ({})\n\n{sections}", used.join(", "));
    }
    let second = catalog(dir.path());
    migrate(&second, db.url(), "head", true).await;
    let upgraded = introspect(&second, db.url(), kind).await;
    assert_eq!(
        canonical(&upgraded, kind),
        canonical(&case.after, kind),
        "{label}: the schema after upgrade\n{sections}"
    );
    assert!(
        diff(&upgraded, &after).is_empty(),
        "{label}: nothing left to generate"
    );
    migrate(&second, db.url(), "c1", false).await;
    let downgraded = introspect(&second, db.url(), kind).await;
    assert_eq!(
        canonical(&downgraded, kind),
        canonical(&case.before, kind),
        "{label}: the schema after downgrade\n{sections}"
    );
    let detected: Vec<String> = changes.iter().flat_map(Change::describe).collect();
    let mut generated = format!("{}\n\n{sections}", detected.join("\n"));
    if let Some(rust) = check_rust_rendering(&changes, dir.path(), db, kind, case).await {
        generated.push_str("\n--- as a Rust migration ---\n");
        generated.push_str(&rust);
    }
    generated
}

/// When the changes are portable, runs the Ddl calls the Rust migration would make, and
/// checks they build the schema after and revert to the one before; returns the Rust text.
async fn check_rust_rendering(
    changes: &[Change],
    case_dir: &Path,
    db: &Db,
    kind: Database,
    case: &autogen_cases::Case,
) -> Option<String> {
    let label = format!("{} on {} (Rust)", case.name, kind.name());
    let reverse: Vec<Change> = changes.iter().rev().map(Change::reverse).collect();
    let (upgrade, downgrade) = (rust::ops(changes)?, rust::ops(&reverse)?);
    let statements = |ops: &[rust::Op]| {
        let mut ddl = Ddl::new(kind);
        for op in ops {
            op.apply(&mut ddl);
        }
        ddl.into_statements()
            .expect("portable ops build")
            .iter()
            .map(|s| format!("{s};\n"))
            .collect::<String>()
    };
    let sections = format!(
        "-- migrate:upgrade {name}\n{}\n-- migrate:downgrade {name}\n{}",
        statements(&upgrade),
        statements(&downgrade),
        name = kind.name()
    );
    let dir = tempfile::tempdir().expect("dir");
    std::fs::copy(case_dir.join("c1_case.sql"), dir.path().join("c1_case.sql")).expect("copy c1");
    write(dir.path(), "c2", "c1", false, &sections);
    let catalog = catalog(dir.path());
    migrate(&catalog, db.url(), "head", true).await;
    let upgraded = introspect(&catalog, db.url(), kind).await;
    assert_eq!(
        canonical(&upgraded, kind),
        canonical(&case.after, kind),
        "{label}: after upgrade\n{sections}"
    );
    migrate(&catalog, db.url(), "c1", false).await;
    let downgraded = introspect(&catalog, db.url(), kind).await;
    assert_eq!(
        canonical(&downgraded, kind),
        canonical(&case.before, kind),
        "{label}: after downgrade\n{sections}"
    );
    Some(rust::file_body(&upgrade, &downgrade))
}

#[tokio::test]
async fn every_case_generates_applies_and_reverts_on_each_database() {
    let cases = autogen_cases::all();
    assert!(cases.len() >= 30, "the corpus holds at least 30 changes");
    for case in &cases {
        for db in Db::all() {
            // MySQL indexes TEXT only with a key length, which the portable model does not carry.
            if matches!(db, Db::Mysql(_)) && case.name == "change_index_columns" {
                continue;
            }
            let kind = match db {
                Db::Pg(_) => Database::Postgres,
                Db::Sqlite(_) => Database::Sqlite,
                Db::Mysql(_) => Database::Mysql,
            };
            let generated = run_case(case, &db, kind).await;
            insta::assert_snapshot!(format!("{}@{}", case.name, kind.name()), generated);
        }
    }
}

#[tokio::test]
async fn the_shipped_models_match_the_migrations() {
    let catalog = aurora::catalog().expect("embedded");
    for db in Db::all() {
        let runner = Runner::new(
            &catalog,
            DatabaseUrl::parse(db.url()).unwrap(),
            Options::default(),
        )
        .unwrap();
        let models = aurora::models::schema();
        let refused = autogenerate::compare(&runner, &models).await.unwrap_err();
        assert!(
            refused.to_string().contains("not at the heads"),
            "{refused}"
        );
        runner.upgrade(&Target::Heads, &mut |_| {}).await.unwrap();
        let comparison = autogenerate::compare(&runner, &models).await.unwrap();
        assert_eq!(
            comparison.descriptions(),
            Vec::<String>::new(),
            "{}",
            db.name()
        );
    }
}
