use super::*;
use crate::bookkeeping::LogEntry;
use crate::schema::model::{Action, Column, ColumnType, EnumType, ForeignKey, Index};

fn column(name: &str, ty: ColumnType) -> Column {
    Column {
        name: name.into(),
        ty,
        nullable: false,
        default: None,
        autoincrement: false,
        comment: None,
    }
}

/// Two tables given out of order, the first referencing the second, with parts out of order.
fn schema() -> Schema {
    let orders = Table {
        name: "orders".into(),
        columns: vec![
            column("id", ColumnType::Integer),
            column("account_id", ColumnType::Integer),
            column("state", ColumnType::Enum("order_state".into())),
        ],
        primary_key: vec!["id".into()],
        indexes: vec![
            Index {
                name: "ix_orders_state".into(),
                columns: vec!["state".into()],
                unique: false,
            },
            Index {
                name: "ix_orders_account".into(),
                columns: vec!["account_id".into()],
                unique: false,
            },
        ],
        foreign_keys: vec![ForeignKey {
            name: "orders_account_fkey".into(),
            columns: vec!["account_id".into()],
            ref_table: "accounts".into(),
            ref_columns: vec!["id".into()],
            on_delete: Action::Cascade,
            on_update: Action::NoAction,
        }],
        ..Table::default()
    };
    let accounts = Table {
        name: "accounts".into(),
        columns: vec![column("id", ColumnType::Integer)],
        primary_key: vec!["id".into()],
        ..Table::default()
    };
    Schema {
        enums: vec![EnumType {
            name: "order_state".into(),
            values: vec!["open".into(), "shipped".into()],
        }],
        tables: vec![orders, accounts],
        ..Schema::default()
    }
}

fn stored() -> Stored {
    let entry = |revision: &str| LogEntry {
        revision: revision.into(),
        checksum: format!("{revision}-sum"),
        applied_at: "2026-12-01 10:00:00".into(),
        execution_ms: Some(4),
        record: None,
    };
    Stored {
        rows: vec!["b2".into()],
        log: vec![entry("b2"), entry("a1")],
        tables_exist: true,
        ..Stored::default()
    }
}

#[test]
fn tables_come_by_name_and_foreign_keys_once_every_table_exists() {
    let tables = Tables::new("alembic_version").unwrap();
    let dump = render(&schema(), Database::Postgres, &tables, &stored());
    let text = &dump.text;
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle} in {text}"))
    };
    assert!(at("CREATE TYPE \"order_state\"") < at("CREATE TABLE \"accounts\""));
    assert!(at("CREATE TABLE \"accounts\"") < at("CREATE TABLE \"orders\""));
    assert!(at("CREATE INDEX \"ix_orders_account\"") < at("CREATE INDEX \"ix_orders_state\""));
    assert!(at("CREATE INDEX \"ix_orders_state\"") < at("ADD CONSTRAINT \"orders_account_fkey\""));
    assert!(at("VALUES ('a1', 'a1-sum')") < at("VALUES ('b2', 'b2-sum')"));
    assert!(!text.contains("2026-12-01"), "no dates: {text}");
    assert_eq!((dump.revisions, dump.tables), (vec!["b2".to_string()], 2));
    insta::assert_snapshot!(text);
}

#[test]
fn sqlite_keeps_foreign_keys_in_the_table_and_the_same_schema_dumps_the_same_bytes() {
    let tables = Tables::new("alembic_version").unwrap();
    let mut shuffled = schema();
    shuffled.tables.reverse();
    let sqlite = |s: &Schema| {
        render(
            &s.normalized(Database::Sqlite),
            Database::Sqlite,
            &tables,
            &stored(),
        )
        .text
    };
    let text = sqlite(&schema());
    assert_eq!(text, sqlite(&shuffled));
    assert!(!text.contains("ALTER TABLE"), "{text}");
    assert!(
        text.contains("CONSTRAINT \"orders_account_fkey\" FOREIGN KEY"),
        "{text}"
    );
}
