//! Each expected statement below is what SQLAlchemy 2.1.9 through Alembic 1.20.1's offline mode
//! printed for the same call (`alembic upgrade head --sql` with `postgresql://`, `sqlite://` and
//! `mysql://`), its `, \n\t` written `,\n    `.

use aurora_migrate_core::Database::{Mysql, Postgres, Sqlite};

use crate::authoring::alembic::Reason;
use crate::authoring::alembic::naming::Convention;
use crate::authoring::alembic::probe::{table, upgrade, upgrade_with};

#[test]
fn a_non_native_enum_is_a_varchar_with_a_check_only_when_asked() {
    let body = "op.create_table(\"t\", sa.Column(\"b\", sa.Enum(\"x\", \"yy\", name=\"e2\", native_enum=False, create_constraint=True)), sa.Column(\"c\", sa.Enum(\"p\", \"q\", native_enum=False)), sa.Column(\"d\", sa.Enum(\"p\", \"qq\", \"r\", name=\"e4\", create_constraint=True)), sa.Column(\"k\", sa.Boolean(create_constraint=True, name=\"bk\")))\nop.add_column(\"t\", sa.Column(\"z\", sa.Enum(\"u\", \"v\", name=\"e5\", native_enum=False, create_constraint=True)))";
    assert_eq!(
        upgrade(body, Postgres).unwrap(),
        [
            "CREATE TYPE e4 AS ENUM ('p', 'qq', 'r')".to_string(),
            table(&[
                "b VARCHAR(2)",
                "c VARCHAR(1)",
                "d e4",
                "k BOOLEAN",
                "CONSTRAINT e2 CHECK (b IN ('x', 'yy'))"
            ]),
            "ALTER TABLE t ADD COLUMN z VARCHAR(1)".into(),
            "ALTER TABLE t ADD CONSTRAINT e5 CHECK (z IN ('u', 'v'))".into(),
        ]
    );
    assert_eq!(
        upgrade(body, Sqlite).unwrap(),
        [
            table(&[
                "b VARCHAR(2)",
                "c VARCHAR(1)",
                "d VARCHAR(2)",
                "k BOOLEAN",
                "CONSTRAINT e2 CHECK (b IN ('x', 'yy'))",
                "CONSTRAINT e4 CHECK (d IN ('p', 'qq', 'r'))",
                "CONSTRAINT bk CHECK (k IN (0, 1))"
            ]),
            // Alembic skips the CHECK on SQLite, with a warning.
            "ALTER TABLE t ADD COLUMN z VARCHAR(1)".into(),
        ]
    );
    assert_eq!(
        upgrade(body, Mysql).unwrap()[0],
        table(&[
            "b VARCHAR(2)",
            "c VARCHAR(1)",
            "d ENUM('p','qq','r')",
            "k BOOL",
            "CONSTRAINT e2 CHECK (b IN ('x', 'yy'))",
            "CONSTRAINT bk CHECK (k IN (0, 1))"
        ])
    );
    // The check's name through a convention, as SQLAlchemy gives it.
    let naming = Convention::Known {
        templates: vec![("ck".into(), "ck_%(table_name)s_%(constraint_name)s".into())],
        functions: Vec::new(),
    };
    let named = upgrade_with("", body, Sqlite, &naming).unwrap();
    assert!(
        named[0].contains("CONSTRAINT ck_t_e2 CHECK (b IN ('x', 'yy'))"),
        "{named:#?}"
    );
}

const COLOR: &str = "class Color(str, enum.Enum):\n    red = \"R\"\n    green = \"G\"\n    crimson = \"R\"\n    blue_long = \"B\"\n";

#[test]
fn an_enum_of_a_python_class_takes_its_member_names_or_is_left_to_do() {
    let body = "op.create_table(\"t\", sa.Column(\"a\", sa.Enum(Color, name=\"color\")), sa.Column(\"b\", sa.Enum(Color)))";
    let expected = |db| upgrade_with(COLOR, body, db, &Convention::default()).unwrap();
    assert_eq!(
        expected(Postgres),
        [
            "CREATE TYPE color AS ENUM ('red', 'green', 'blue_long')".to_string(),
            table(&["a color", "b color"])
        ]
    );
    assert_eq!(expected(Sqlite), [table(&["a VARCHAR(9)", "b VARCHAR(9)"])]);
    assert_eq!(
        expected(Mysql),
        [table(&[
            "a ENUM('red','green','blue_long')",
            "b ENUM('red','green','blue_long')"
        ])]
    );
    // Never an empty type: a class imported, computed, or not plain is left to do.
    for head in [
        "from app.models import Color",
        "class Color(enum.Enum):\n    red = enum.auto()",
        "class Color(enum.Enum):\n    red = 1\n    def label(self):\n        return 'x'",
        "class Color(Base):\n    red = 1",
        "",
    ] {
        for db in [Postgres, Sqlite, Mysql] {
            assert_eq!(
                upgrade_with(head, body, db, &Convention::default()),
                Err(vec![Reason::OptionNotConverted]),
                "{head}"
            );
        }
    }
    let callable = "op.add_column(\"t\", sa.Column(\"m\", sa.Enum(Color, name=\"c2\", values_callable=lambda e: [m.value for m in e])))";
    assert!(upgrade_with(COLOR, callable, Postgres, &Convention::default()).is_err());
}

#[test]
fn an_interval_is_postgresql_s_or_a_datetime_elsewhere() {
    let body = "op.create_table(\"t\", sa.Column(\"a\", sa.Interval()), sa.Column(\"b\", sa.Interval(second_precision=3)), sa.Column(\"c\", sa.Interval(native=False)))";
    assert_eq!(
        upgrade(body, Postgres).unwrap(),
        [table(&[
            "a INTERVAL",
            "b INTERVAL (3)",
            "c TIMESTAMP WITHOUT TIME ZONE"
        ])]
    );
    for database in [Sqlite, Mysql] {
        assert_eq!(
            upgrade(body, database).unwrap(),
            [table(&["a DATETIME", "b DATETIME", "c DATETIME"])]
        );
    }
}

#[test]
fn a_named_enum_type_is_created_once_per_section_as_alembic_s_ddl_runner_remembers_it() {
    let body = "op.create_table(\"a\", sa.Column(\"s\", sa.Enum(\"x\", \"y\", name=\"st\")))\nop.create_table(\"b\", sa.Column(\"s\", sa.Enum(\"x\", \"y\", name=\"st\")))";
    assert_eq!(
        upgrade(body, Postgres).unwrap(),
        [
            "CREATE TYPE st AS ENUM ('x', 'y')",
            "CREATE TABLE a (\n    s st\n)",
            "CREATE TABLE b (\n    s st\n)",
        ]
    );
}
