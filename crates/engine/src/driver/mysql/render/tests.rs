use super::*;
use crate::schema::model::{Column, ColumnType, Definition, Index};
use crate::schema::render::drop_definition;

#[test]
fn a_table_with_the_servers_own_text_is_created_by_that_text_alone() {
    let own = "CREATE TABLE \"Odd T\" (\n  \"body\" text,\n  FULLTEXT KEY \"ft body\" (\"body\")\n) ENGINE=MyISAM";
    let mut table = Table::new("Odd T").column(Column::new("body", ColumnType::Text));
    table.indexes.push(Index {
        name: "plain".into(),
        columns: vec!["body".into()],
        unique: false,
    });
    table.sql = Some(own.into());
    // Its indexes are in the text: none is created twice.
    assert_eq!(
        statements(&[Change::CreateTable(table.clone())], &Schema::default()),
        [own]
    );
    table.sql = None;
    let modelled = statements(&[Change::CreateTable(table)], &Schema::default());
    assert_eq!(modelled.len(), 2, "{modelled:?}");
}

#[test]
fn an_index_kept_as_text_is_dropped_from_its_table() {
    let index = Definition {
        kind: "INDEX".into(),
        name: "by lower".into(),
        table: Some("Odd T".into()),
        sql: String::new(),
        arguments: None,
    };
    assert_eq!(
        drop_definition(&index, aurora_migrate_core::Database::Mysql),
        "DROP INDEX \"by lower\" ON \"Odd T\""
    );
    assert_eq!(
        drop_definition(&index, aurora_migrate_core::Database::Sqlite),
        "DROP INDEX \"by lower\""
    );
}
