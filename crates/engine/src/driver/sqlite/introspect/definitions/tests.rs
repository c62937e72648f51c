use super::*;
use crate::schema::model::{Column, ColumnType};

fn keyed() -> Table {
    Table::new("t")
        .column(Column::new("id", ColumnType::Integer).autoincrement())
        .primary_key(&["id"])
}

#[test]
fn a_table_whose_text_says_more_than_its_model_keeps_its_text() {
    let plain = Table::new("t").column(Column::new("a", ColumnType::Text));
    assert!(!says_more(&plain, "CREATE TABLE t (a TEXT NOT NULL)"));
    assert!(says_more(&plain, "CREATE TABLE t (a TEXT COLLATE NOCASE)"));
    assert!(says_more(
        &plain,
        "CREATE TABLE t (a TEXT UNIQUE ON CONFLICT REPLACE)"
    ));
    assert!(says_more(
        &plain,
        "CREATE TABLE t (a INT REFERENCES u (id) DEFERRABLE INITIALLY DEFERRED)"
    ));
    // Words inside quotes and comments are names and remarks, not clauses.
    assert!(!says_more(
        &plain,
        "CREATE TABLE \"Collate Desc\" ('as' TEXT) -- desc"
    ));
    assert!(!says_more(
        &keyed(),
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT)"
    ));
    // The model would add AUTOINCREMENT, which changes how ids are reused.
    assert!(says_more(
        &keyed(),
        "CREATE TABLE t (id INTEGER PRIMARY KEY)"
    ));
}
