//! SQLite: what ALTER TABLE does directly and what takes the documented table rebuild.

use crate::schema::diff::diff;
use crate::schema::model::{Action, Column, ColumnDefault, ColumnType as T, Schema, Table};
use aurora_migrate_core::Database;

/// The SQLite statements that turn `before` into `after`, both normalised as introspection
/// would read them.
fn sqlite(before: &Schema, after: &Schema) -> Vec<String> {
    let (before, after) = (
        before.normalized(Database::Sqlite),
        after.normalized(Database::Sqlite),
    );
    super::statements(&diff(&before, &after), &before, &after)
}

fn one(table: Table) -> Schema {
    Schema {
        enums: vec![],
        tables: vec![table],
        ..Schema::default()
    }
}

fn items() -> Table {
    Table::new("items")
        .column(Column::new("id", T::Integer).autoincrement())
        .column(Column::new("name", T::Varchar(50)).nullable())
        .primary_key(&["id"])
}

#[test]
fn sqlite_rebuilds_a_table_and_copies_its_rows() {
    let before = items()
        .column(Column::new("note", T::Text).nullable())
        .index("ix_name", &["name"], false);
    let after = Table::new("items")
        .column(Column::new("id", T::Integer).autoincrement())
        .column(Column::new("name", T::Varchar(50)).default(ColumnDefault::Text("x".into())))
        .column(Column::new("color", T::Text).default(ColumnDefault::Text("red".into())))
        .primary_key(&["id"])
        .index("ix_name", &["name"], false)
        .index("ix_color", &["color"], true);
    // One rebuild makes the column, index and NOT NULL changes together.
    assert_eq!(
        sqlite(&one(before.clone()), &one(after.clone())),
        [
            "CREATE TABLE \"_aurora_new_items\" (\n    \"id\" INTEGER PRIMARY KEY AUTOINCREMENT,\n    \
             \"name\" VARCHAR(50) NOT NULL DEFAULT 'x',\n    \
             \"color\" TEXT NOT NULL DEFAULT 'red'\n)",
            "INSERT INTO \"_aurora_new_items\" (\"id\", \"name\") \
             SELECT \"id\", COALESCE(\"name\", 'x') FROM \"items\"",
            "DROP TABLE \"items\"",
            "ALTER TABLE \"_aurora_new_items\" RENAME TO \"items\"",
            "CREATE UNIQUE INDEX \"ix_color\" ON \"items\" (\"color\")",
            "CREATE INDEX \"ix_name\" ON \"items\" (\"name\")",
        ]
    );
    // Back: the copy needs no COALESCE, and the dropped column comes back empty.
    let back = sqlite(&one(after), &one(before));
    assert_eq!(
        back[1],
        "INSERT INTO \"_aurora_new_items\" (\"id\", \"name\") SELECT \"id\", \"name\" FROM \"items\""
    );
    assert_eq!(back.len(), 5);
}

#[test]
fn sqlite_adds_a_column_directly_when_it_can() {
    let with = |column: Column| one(items().column(column));
    let add = |column: Column| sqlite(&one(items()), &with(column));
    let color = || Column::new("color", T::Text);
    assert_eq!(
        add(color().nullable()),
        ["ALTER TABLE \"items\" ADD COLUMN \"color\" TEXT"]
    );
    assert_eq!(
        add(color().default(ColumnDefault::Text("red".into()))),
        ["ALTER TABLE \"items\" ADD COLUMN \"color\" TEXT NOT NULL DEFAULT 'red'"]
    );
    assert_eq!(
        add(Column::new("on", T::Boolean).default(ColumnDefault::Bool(false))),
        ["ALTER TABLE \"items\" ADD COLUMN \"on\" BOOLEAN NOT NULL DEFAULT 0"]
    );
    let rebuilt = |sql: Vec<String>| sql[0].starts_with("CREATE TABLE \"_aurora_new_items\"");
    // Existing rows need a value, and SQLite refuses a non-constant default.
    assert!(rebuilt(add(color())));
    assert!(rebuilt(add(color().nullable().default(ColumnDefault::Now))));
}

/// SQLite answers `Cannot add a column with non-constant default` when the table has rows.
#[test]
fn sqlite_rebuilds_to_add_a_column_with_an_expression_default() {
    let column = Column::new("code", T::Text).default(ColumnDefault::Expr("lower('X')".into()));
    let sql = sqlite(&one(items()), &one(items().column(column)));
    assert!(
        sql[0].starts_with("CREATE TABLE \"_aurora_new_items\""),
        "{sql:?}"
    );
}

#[test]
fn sqlite_drops_a_constrained_column_by_rebuilding() {
    let note = || Column::new("note", T::Text).nullable();
    let drop = |before: Table| sqlite(&one(before), &one(items()));
    assert_eq!(
        drop(items().column(note())),
        ["ALTER TABLE \"items\" DROP COLUMN \"note\""]
    );
    let mood = Column::new("note", T::EnumValues(vec!["a".into()]));
    let constrained = [
        items().column(note()).index("ix", &["note"], false),
        items().column(note()).unique("uq", &["note"]),
        items().column(note()).check("ck", "length(note) > 1"),
        items().column(Column::new("note", T::Integer)).foreign_key(
            "fk",
            &["note"],
            "other",
            &["id"],
            Action::Cascade,
        ),
        items().column(mood),
    ];
    for before in constrained {
        let sql = drop(before.clone());
        assert!(
            sql[0].starts_with("CREATE TABLE \"_aurora_new_items\""),
            "{before:?}"
        );
        assert_eq!(
            sql[1],
            "INSERT INTO \"_aurora_new_items\" (\"id\", \"name\") SELECT \"id\", \"name\" FROM \"items\""
        );
    }
}

#[test]
fn a_table_with_its_own_text_is_created_by_it_and_rebuilt_from_its_model() {
    let own =
        "CREATE TABLE \"Odd T\" (a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) STORED) STRICT";
    let mut table = Table::new("Odd T").column(Column::new("a", T::Integer).nullable());
    table.indexes.push(crate::schema::model::Index {
        name: "by a".into(),
        columns: vec!["a".into()],
        unique: false,
    });
    table.sql = Some(own.into());
    use super::{canonical_table, statements};
    use crate::schema::diff::Change;
    let created = statements(
        &[Change::CreateTable(table.clone())],
        &Schema::default(),
        &one(table.clone()),
    );
    assert_eq!(
        created,
        [
            own.to_string(),
            "CREATE INDEX \"by a\" ON \"Odd T\" (\"a\")".to_string()
        ]
    );
    assert!(
        canonical_table(&table, "Odd T").starts_with("CREATE TABLE \"Odd T\" (\n    \"a\" INTEGER")
    );
}
