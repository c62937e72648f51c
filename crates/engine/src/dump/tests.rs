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
        generated: None,
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

/// A view over `accounts`, a trigger on `orders`, and two objects left out.
fn with_text_objects() -> Schema {
    let mut schema = schema();
    let definition =
        |kind: &str, name: &str, table: Option<&str>, sql: &str| crate::schema::model::Definition {
            kind: kind.into(),
            name: name.into(),
            table: table.map(str::to_string),
            sql: sql.into(),
            arguments: None,
        };
    schema.definitions = vec![
        definition(
            "VIEW",
            "Open Orders",
            None,
            "CREATE VIEW \"Open Orders\" AS SELECT 1",
        ),
        definition(
            "TRIGGER",
            "touch",
            Some("orders"),
            "CREATE TRIGGER touch AFTER UPDATE ON orders BEGIN SELECT 1; END",
        ),
    ];
    schema.left_out = vec![
        crate::schema::model::LeftOut::new(
            "rule",
            Some("orders"),
            "no_delete",
            "rules are not carried",
        ),
        crate::schema::model::LeftOut::new(
            "extension",
            None,
            "citext",
            "extensions are not created",
        ),
    ];
    schema
}

#[test]
fn objects_kept_as_text_come_last_in_order_and_their_drops_first_in_reverse() {
    let schema = with_text_objects();
    for kind in [Database::Postgres, Database::Sqlite, Database::Mysql] {
        let (upgrade, downgrade) = baseline::sections(&schema, kind);
        let tail: Vec<&str> = upgrade.lines().rev().take(2).collect();
        assert_eq!(
            tail,
            [
                "CREATE TRIGGER touch AFTER UPDATE ON orders BEGIN SELECT 1; END;",
                "CREATE VIEW \"Open Orders\" AS SELECT 1;"
            ],
            "{kind:?}: {upgrade}"
        );
        let head: Vec<&str> = downgrade.lines().take(2).collect();
        // PostgreSQL names a trigger within its table.
        let trigger = match kind {
            Database::Postgres => "DROP TRIGGER \"touch\" ON \"orders\";",
            _ => "DROP TRIGGER \"touch\";",
        };
        assert_eq!(
            head,
            [trigger, "DROP VIEW \"Open Orders\";"],
            "{kind:?}: {downgrade}"
        );
    }
}

#[test]
fn an_extension_comes_before_the_tables_and_goes_after_them_and_a_function_is_dropped_by_its_arguments()
 {
    let mut schema = with_text_objects();
    let definition = |kind: &str, name: &str, arguments: Option<&str>, sql: &str| {
        crate::schema::model::Definition {
            kind: kind.into(),
            name: name.into(),
            table: None,
            sql: sql.into(),
            arguments: arguments.map(str::to_string),
        }
    };
    schema.definitions.insert(
        0,
        definition(
            "EXTENSION",
            "citext",
            None,
            "CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public",
        ),
    );
    schema.definitions.insert(
        1,
        definition(
            "FUNCTION",
            "Twice",
            Some("(x integer)"),
            "CREATE OR REPLACE FUNCTION public.\"Twice\"(x integer) RETURNS integer AS 'SELECT x * 2' LANGUAGE sql",
        ),
    );
    let (upgrade, downgrade) = baseline::sections(&schema, Database::Postgres);
    let first = upgrade.lines().next().unwrap();
    assert_eq!(
        first, "CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;",
        "{upgrade}"
    );
    let create_table = upgrade.find("CREATE TABLE").unwrap();
    assert!(
        upgrade.find("FUNCTION").unwrap() > create_table,
        "{upgrade}"
    );
    let drops: Vec<&str> = downgrade.lines().collect();
    assert_eq!(
        drops.last(),
        Some(&"DROP EXTENSION \"citext\";"),
        "{downgrade}"
    );
    assert!(
        drops.contains(&"DROP FUNCTION \"Twice\"(x integer);"),
        "{downgrade}"
    );
    let function = drops
        .iter()
        .position(|d| d.starts_with("DROP FUNCTION"))
        .unwrap();
    let table = drops
        .iter()
        .position(|d| d.starts_with("DROP TABLE"))
        .unwrap();
    assert!(function < table, "{downgrade}");
}

#[test]
fn what_is_left_out_heads_the_dump_one_object_a_line() {
    let tables = Tables::new("alembic_version").unwrap();
    let mut odd = with_text_objects();
    odd.left_out.push(crate::schema::model::LeftOut::new(
        "view",
        None,
        "two\nlines",
        "views are not carried",
    ));
    let dump = render(&odd, Database::Postgres, &tables, &stored());
    let head: Vec<&str> = dump.text.lines().skip(2).take(4).collect();
    assert_eq!(
        head,
        [
            "-- Left out: the database holds 3 object(s) this file does not rebuild:",
            "--   - extension \"citext\" (extensions are not created)",
            "--   - rule \"orders\".\"no_delete\" (rules are not carried)",
            "--   - view \"two lines\" (views are not carried)",
        ]
    );
    assert_eq!(dump.left_out.len(), 3);
    let plain = render(&schema(), Database::Postgres, &tables, &stored());
    assert!(!plain.text.contains("Left out"), "{}", plain.text);
}
