//! Which changes a Rust migration over `Ddl` may make, and the Rust it writes for them.

use super::{Op, file_body, ops};
use crate::schema::diff::Change;
use crate::schema::model::{Action, Column, ColumnDefault, ColumnType as T, EnumType, Table};

fn portable() -> Table {
    Table::new("items")
        .column(Column::new("id", T::Integer).autoincrement())
        .column(Column::new("name", T::Varchar(50)))
        .column(Column::new("note", T::Text).nullable())
        .column(Column::new("on", T::Boolean).default(ColumnDefault::Bool(true)))
        .column(Column::new("n", T::Integer).default(ColumnDefault::Int(-1)))
        .column(Column::new("tag", T::Text).default(ColumnDefault::Text("a\"b".into())))
        .column(Column::new("day", T::Date).nullable())
        .column(Column::new("at", T::Timestamp).nullable())
        .column(Column::new("x", T::Double).nullable())
        .primary_key(&["id"])
        .unique("items_name_key", &["name"])
        .index("ix_note", &["note"], false)
}

fn rust(changes: &[Change]) -> Vec<String> {
    let ops = ops(changes).expect("portable changes");
    ops.iter().map(Op::rust).collect()
}

fn add(column: Column) -> Change {
    Change::AddColumn {
        table: "items".into(),
        column,
    }
}

#[test]
fn a_portable_table_is_written_as_ddl_calls() {
    assert_eq!(
        rust(&[Change::CreateTable(portable())]),
        [
            "ddl.create_table(\n    \"items\",\n    vec![\n        \
             Column::new(\"id\", Type::Primary),\n        \
             Column::new(\"name\", Type::Varchar(50)).unique(),\n        \
             Column::new(\"note\", Type::Text).nullable(),\n        \
             Column::new(\"on\", Type::Boolean).default(DefaultValue::Boolean(true)),\n        \
             Column::new(\"n\", Type::Integer).default(DefaultValue::Integer(-1)),\n        \
             Column::new(\"tag\", Type::Text).default(DefaultValue::Text(\"a\\\"b\".into())),\n        \
             Column::new(\"day\", Type::Date).nullable(),\n        \
             Column::new(\"at\", Type::Timestamp).nullable(),\n        \
             Column::new(\"x\", Type::Double).nullable(),\n    ],\n);",
            "ddl.create_index(\"items\", \"ix_note\", &[\"note\"], false);",
        ]
    );
    assert_eq!(
        rust(&[Change::DropTable(portable())]),
        ["ddl.drop_table(\"items\");"]
    );
}

#[test]
fn portable_column_and_index_changes_are_written_as_ddl_calls() {
    let index = portable().indexes[0].clone();
    let changes = [
        add(Column::new("color", T::Text).nullable()),
        add(Column::new("size", T::Integer).default(ColumnDefault::Int(3))),
        add(Column::new("color", T::Text).nullable()).reverse(),
        Change::AddIndex {
            table: "items".into(),
            index: crate::schema::model::Index {
                unique: true,
                ..index.clone()
            },
        },
        Change::DropIndex {
            table: "items".into(),
            index,
        },
    ];
    assert_eq!(
        rust(&changes),
        [
            "ddl.add_column(\"items\", Column::new(\"color\", Type::Text).nullable());",
            "ddl.add_column(\"items\", Column::new(\"size\", Type::Integer).default(DefaultValue::Integer(3)));",
            "ddl.drop_column(\"items\", \"color\");",
            "ddl.create_index(\"items\", \"ix_note\", &[\"note\"], true);",
            "ddl.drop_index(\"items\", \"ix_note\");",
        ]
    );
}

#[test]
fn changes_barrel_cannot_make_are_left_to_sql() {
    let with = |edit: fn(Table) -> Table| Change::CreateTable(edit(portable()));
    let column = |name: &str, ty: T| Column::new(name, ty).nullable();
    let fk = crate::schema::model::ForeignKey {
        name: "fk".into(),
        columns: vec!["n".into()],
        ref_table: "other".into(),
        ref_columns: vec!["id".into()],
        on_delete: Action::Cascade,
        on_update: Action::NoAction,
    };
    let refused = [
        with(|t| t.foreign_key("fk", &["n"], "other", &["id"], Action::Cascade)),
        with(|t| t.check("ck", "n > 0")),
        with(|t| t.unique("uq_other_name", &["note"])),
        with(|t| t.unique("items_n_on_key", &["n", "on"])),
        with(|t| t.primary_key(&["id", "name"])),
        with(|t| t.column(Column::new("at2", T::TimestampTz).nullable())),
        with(|t| t.column(Column::new("c", T::Text).nullable().comment("c"))),
        with(|t| t.column(Column::new("serial", T::BigInt).autoincrement())),
        Change::AddForeignKey {
            table: "items".into(),
            key: fk,
        },
        Change::AddCheck {
            table: "items".into(),
            check: crate::schema::model::Check {
                name: "ck".into(),
                expression: "n > 0".into(),
            },
        },
        Change::CreateEnum(EnumType::new("mood", &["a"])),
        Change::AlterEnum {
            from: EnumType::new("mood", &["a"]),
            to: EnumType::new("mood", &["a", "b"]),
            columns: vec![],
        },
        Change::AddUnique {
            table: "items".into(),
            unique: portable().uniques[0].clone(),
        },
        Change::AlterColumn {
            table: "items".into(),
            from: column("note", T::Text),
            to: column("note", T::Varchar(10)),
        },
        add(column("mood", T::Enum("mood".into()))),
        add(column("at2", T::TimestampTz)),
        add(column("c", T::Text).comment("shown")),
        add(column("u", T::Uuid)),
        add(column("at3", T::Timestamp).default(ColumnDefault::Now)),
        add(column("e", T::Text).default(ColumnDefault::Expr("lower('X')".into()))),
        // NOT NULL without a default: existing rows would have no value.
        add(Column::new("size", T::Integer)),
        add(Column::new("size", T::Integer)).reverse(),
    ];
    for change in refused {
        assert_eq!(ops(std::slice::from_ref(&change)), None, "{change:?}");
        // One refused change refuses the whole migration.
        let mixed = [add(column("ok", T::Text)), change];
        assert_eq!(ops(&mixed), None);
    }
}

#[test]
fn the_file_imports_only_what_it_uses() {
    let index = || Op::DropIndex {
        table: "items".into(),
        name: "ix".into(),
    };
    // `{Ddl}` is valid Rust; rustfmt, run on the file when installed, drops the braces.
    let only_ddl = file_body(&[index()], &[Op::DropTable("items".into())]);
    assert_eq!(
        only_ddl,
        "use aurora_migrate::ddl::Ddl;\n\n\
         pub fn upgrade(ddl: &mut Ddl) {\n    ddl.drop_index(\"items\", \"ix\");\n}\n\n\
         pub fn downgrade(ddl: &mut Ddl) {\n    ddl.drop_table(\"items\");\n}\n"
    );
    let plain = ops(&[add(Column::new("c", T::Text).nullable())]).unwrap();
    let body = file_body(&[index()], &plain);
    assert!(
        body.starts_with("use aurora_migrate::ddl::{Column, Ddl, Type};\n"),
        "{body}"
    );
    let defaulted = ops(&[add(
        Column::new("c", T::Text).default(ColumnDefault::Text("x".into()))
    )]);
    let body = file_body(&defaulted.unwrap(), &[index()]);
    assert!(
        body.starts_with("use aurora_migrate::ddl::{Column, Ddl, DefaultValue, Type};\n"),
        "{body}"
    );
    // A multi-line call is indented as one block inside the function.
    let create = ops(&[Change::CreateTable(
        Table::new("t").column(Column::new("a", T::Text)),
    )]);
    let body = file_body(&create.unwrap(), &[]);
    assert!(
        body.contains(
            "pub fn upgrade(ddl: &mut Ddl) {\n    ddl.create_table(\n        \"t\",\n        vec![\n            \
             Column::new(\"a\", Type::Text),\n        ],\n    );\n}\n"
        ),
        "{body}"
    );
}
