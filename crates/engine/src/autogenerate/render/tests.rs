//! Rendering in memory: exact SQL per dialect, and which changes a Rust migration can make.

use super::*;
use crate::schema::diff::diff;
use crate::schema::model::Column;
use crate::schema::model::{Action, ColumnType as T, EnumType, Table};
use crate::schema::render::default_sql;

fn pg(changes: &[Change]) -> Vec<String> {
    let empty = Schema::default();
    statements(changes, &empty, &empty, Database::Postgres)
}

/// The SQLite statements that turn `before` into `after`, both normalised as introspection
/// would read them.
fn sqlite(before: &Schema, after: &Schema) -> Vec<String> {
    let (before, after) = (
        before.normalized(Database::Sqlite),
        after.normalized(Database::Sqlite),
    );
    statements(&diff(&before, &after), &before, &after, Database::Sqlite)
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

fn alter_enum(from: &[&str], to: &[&str], columns: Vec<(String, Column)>) -> Change {
    Change::AlterEnum {
        from: EnumType::new("mood", from),
        to: EnumType::new("mood", to),
        columns,
    }
}

fn alter(from: Column, to: Column) -> Change {
    Change::AlterColumn {
        table: "items".into(),
        from,
        to,
    }
}

#[test]
fn postgres_adds_enum_values_in_place() {
    let change = alter_enum(&["b", "d"], &["a", "b", "c", "d", "e"], vec![]);
    assert_eq!(
        pg(&[change]),
        [
            "ALTER TYPE \"mood\" ADD VALUE IF NOT EXISTS 'a' BEFORE 'b'",
            "ALTER TYPE \"mood\" ADD VALUE IF NOT EXISTS 'c' AFTER 'b'",
            "ALTER TYPE \"mood\" ADD VALUE IF NOT EXISTS 'e' AFTER 'd'",
        ]
    );
}

/// PostgreSQL answers `"y" is not an existing enum label` to the first statement.
#[test]
fn postgres_adds_several_leading_enum_values() {
    let change = alter_enum(&["b"], &["x", "y", "b"], vec![]);
    assert_eq!(
        pg(&[change]),
        [
            "ALTER TYPE \"mood\" ADD VALUE IF NOT EXISTS 'x' BEFORE 'b'",
            "ALTER TYPE \"mood\" ADD VALUE IF NOT EXISTS 'y' AFTER 'x'",
        ]
    );
}

#[test]
fn postgres_rebuilds_an_enum_that_loses_a_value() {
    let uses = |name: &str| Column::new(name, T::Enum("mood".into()));
    let columns = vec![
        (
            "items".into(),
            uses("mood").default(ColumnDefault::Text("a".into())),
        ),
        ("other".into(), uses("m").nullable()),
    ];
    assert_eq!(
        pg(&[alter_enum(&["a", "b", "c"], &["a", "c"], columns)]),
        [
            "ALTER TYPE \"mood\" RENAME TO \"mood__old\"",
            "CREATE TYPE \"mood\" AS ENUM ('a', 'c')",
            "ALTER TABLE \"items\" ALTER COLUMN \"mood\" DROP DEFAULT",
            "ALTER TABLE \"items\" ALTER COLUMN \"mood\" TYPE \"mood\" USING \"mood\"::text::\"mood\"",
            "ALTER TABLE \"items\" ALTER COLUMN \"mood\" SET DEFAULT 'a'",
            "ALTER TABLE \"other\" ALTER COLUMN \"m\" TYPE \"mood\" USING \"m\"::text::\"mood\"",
            "DROP TYPE \"mood__old\"",
        ]
    );
    // A reordering rebuilds too: ADD VALUE cannot move a value.
    let reordered = pg(&[alter_enum(&["a", "b"], &["b", "a"], vec![])]);
    assert_eq!(reordered[0], "ALTER TYPE \"mood\" RENAME TO \"mood__old\"");
    assert_eq!(reordered.len(), 3);
}

/// Removing the value a column defaults to: the rebuild sets the old default back on the new
/// type, which PostgreSQL refuses (`invalid input value for enum mood: "b"`).
#[test]
fn postgres_removes_an_enum_value_that_was_a_default() {
    let with = |values: &[&str], default: &str| {
        let mood = Column::new("mood", T::Enum("mood".into()));
        Schema {
            enums: vec![EnumType::new("mood", values)],
            tables: vec![items().column(mood.default(ColumnDefault::Text(default.into())))],
            ..Schema::default()
        }
    };
    let (before, after) = (with(&["a", "b"], "b"), with(&["a"], "a"));
    let sql = statements(&diff(&before, &after), &before, &after, Database::Postgres);
    let head = "ALTER TABLE \"items\" ALTER COLUMN \"mood\"";
    assert!(
        !sql.contains(&format!("{head} SET DEFAULT 'b'")),
        "{sql:#?}"
    );
    assert!(sql.contains(&format!("{head} SET DEFAULT 'a'")), "{sql:#?}");
}

#[test]
fn postgres_changes_a_column_type_around_its_default() {
    let head = "ALTER TABLE \"items\" ALTER COLUMN \"name\"";
    let name = |ty: T| Column::new("name", ty);
    assert_eq!(
        pg(&[alter(name(T::Varchar(50)), name(T::Varchar(200)))]),
        [format!(
            "{head} TYPE VARCHAR(200) USING \"name\"::VARCHAR(200)"
        )]
    );
    let x = || ColumnDefault::Text("x".into());
    let from = name(T::Varchar(50)).default(x());
    assert_eq!(
        pg(&[alter(from, name(T::Text).default(x()).nullable())]),
        [
            format!("{head} DROP DEFAULT"),
            format!("{head} TYPE TEXT USING \"name\"::TEXT"),
            format!("{head} SET DEFAULT 'x'"),
            format!("{head} DROP NOT NULL"),
        ]
    );
    assert_eq!(
        pg(&[alter(name(T::Text), name(T::Enum("mood".into())))]),
        [format!(
            "{head} TYPE \"mood\" USING \"name\"::text::\"mood\""
        )]
    );
    // A serial column keeps its sequence: the new type is the plain integer type.
    let id = |ty: T| Column::new("id", ty).autoincrement();
    assert_eq!(
        pg(&[alter(id(T::Integer), id(T::BigInt))]),
        ["ALTER TABLE \"items\" ALTER COLUMN \"id\" TYPE BIGINT USING \"id\"::BIGINT"]
    );
}

#[test]
fn postgres_changes_defaults_nullability_and_comments() {
    let head = "ALTER TABLE \"items\" ALTER COLUMN \"name\"";
    let name = || Column::new("name", T::Text);
    let now = || name().default(ColumnDefault::Now);
    assert_eq!(
        pg(&[alter(name(), now())]),
        [format!("{head} SET DEFAULT now()")]
    );
    assert_eq!(
        pg(&[alter(now(), name())]),
        [format!("{head} DROP DEFAULT")]
    );
    assert_eq!(
        pg(&[alter(name().nullable(), name())]),
        [format!("{head} SET NOT NULL")]
    );
    assert_eq!(
        pg(&[alter(name(), name().comment("it's"))]),
        ["COMMENT ON COLUMN \"items\".\"name\" IS 'it''s'"]
    );
    assert_eq!(
        pg(&[alter(name().comment("x"), name())]),
        ["COMMENT ON COLUMN \"items\".\"name\" IS NULL"]
    );
}

fn full_table() -> Table {
    Table::new("tokens")
        .column(Column::new("id", T::Integer).autoincrement())
        .column(Column::new("chain_id", T::Integer))
        .column(
            Column::new("mood", T::Enum("mood".into())).default(ColumnDefault::Text("a".into())),
        )
        .column(
            Column::new("on", T::Boolean)
                .default(ColumnDefault::Bool(true))
                .comment("c"),
        )
        .primary_key(&["id"])
        .unique("uq", &["chain_id", "mood"])
        .index("ix", &["mood"], false)
        .foreign_key("fk", &["chain_id"], "chains", &["id"], Action::SetDefault)
        .check("ck", "chain_id > 0")
}

#[test]
fn creates_a_table_on_each_dialect() {
    let schema = Schema {
        enums: vec![EnumType::new("mood", &["a", "b"])],
        tables: vec![full_table()],
        ..Schema::default()
    };
    let changes = diff(&Schema::default(), &schema);
    let fk = "CONSTRAINT \"fk\" FOREIGN KEY (\"chain_id\") REFERENCES \"chains\" (\"id\") \
              ON DELETE SET DEFAULT ON UPDATE NO ACTION";
    let index = "CREATE INDEX \"ix\" ON \"tokens\" (\"mood\")";
    assert_eq!(
        statements(&changes, &Schema::default(), &schema, Database::Postgres),
        [
            "CREATE TYPE \"mood\" AS ENUM ('a', 'b')".to_string(),
            format!(
                "CREATE TABLE \"tokens\" (\n    \"id\" SERIAL NOT NULL,\n    \
                 \"chain_id\" INTEGER NOT NULL,\n    \"mood\" \"mood\" NOT NULL DEFAULT 'a',\n    \
                 \"on\" BOOLEAN NOT NULL DEFAULT true,\n    \
                 CONSTRAINT \"tokens_pkey\" PRIMARY KEY (\"id\"),\n    \
                 CONSTRAINT \"uq\" UNIQUE (\"chain_id\", \"mood\"),\n    \
                 CONSTRAINT \"ck\" CHECK (chain_id > 0),\n    {fk}\n)"
            ),
            index.to_string(),
            "COMMENT ON COLUMN \"tokens\".\"on\" IS 'c'".to_string(),
        ]
    );
    // SQLite: the enum is an inline CHECK, the serial key the rowid, no comments.
    assert_eq!(
        sqlite(&Schema::default(), &schema),
        [
            format!(
                "CREATE TABLE \"tokens\" (\n    \"id\" INTEGER PRIMARY KEY AUTOINCREMENT,\n    \
                 \"chain_id\" INTEGER NOT NULL,\n    \
                 \"mood\" TEXT NOT NULL DEFAULT 'a' CHECK (\"mood\" IN ('a', 'b')),\n    \
                 \"on\" BOOLEAN NOT NULL DEFAULT 1,\n    \
                 CONSTRAINT \"uq\" UNIQUE (\"chain_id\", \"mood\"),\n    \
                 CONSTRAINT \"ck\" CHECK (chain_id > 0),\n    {fk}\n)"
            ),
            index.to_string(),
        ]
    );
}

/// `(a > 0) AND (a < 5)` starts with `(` and ends with `)` without being wrapped by one
/// pair: both databases answer a syntax error to `CHECK (a > 0) AND (a < 5)`.
#[test]
fn wraps_expressions_that_only_start_with_a_parenthesis() {
    let check = "(chain_id > 0) AND (chain_id < 5)";
    let wrapped = format!("CONSTRAINT \"ck\" CHECK ({check})");
    let table = Table::new("t")
        .column(Column::new("chain_id", T::Integer))
        .check("ck", check);
    let sql = pg(&[Change::CreateTable(table.clone())]);
    assert!(sql[0].contains(&wrapped), "{}", sql[0]);
    let sql = sqlite(&Schema::default(), &one(table));
    assert!(sql[0].contains(&wrapped), "{}", sql[0]);
    let add = Change::AddCheck {
        table: "t".into(),
        check: crate::schema::model::Check {
            name: "ck".into(),
            expression: check.into(),
        },
    };
    assert_eq!(pg(&[add]), [format!("ALTER TABLE \"t\" ADD {wrapped}")]);
    let sum = ColumnDefault::Expr("(1) + (2)".into());
    assert_eq!(default_sql(&sum, Database::Sqlite), "((1) + (2))");
}

#[test]
fn spells_defaults_per_dialect() {
    let cases = [
        (ColumnDefault::Bool(true), "true", "1"),
        (ColumnDefault::Bool(false), "false", "0"),
        (ColumnDefault::Int(-3), "-3", "-3"),
        (ColumnDefault::Text("it's".into()), "'it''s'", "'it''s'"),
        (ColumnDefault::Now, "now()", "CURRENT_TIMESTAMP"),
        (
            ColumnDefault::Expr("lower('X')".into()),
            "lower('X')",
            "(lower('X'))",
        ),
        (ColumnDefault::Expr("(1 + 1)".into()), "(1 + 1)", "(1 + 1)"),
    ];
    for (default, postgres, sqlite) in cases {
        assert_eq!(default_sql(&default, Database::Postgres), postgres);
        assert_eq!(default_sql(&default, Database::Sqlite), sqlite);
    }
}

#[test]
fn sections_hold_upgrade_and_downgrade() {
    let before = one(items());
    let after = one(items().column(Column::new("color", T::Text).nullable()));
    let changes = diff(&before, &after);
    for kind in [Database::Postgres, Database::Sqlite] {
        assert_eq!(
            sections(&changes, &before, &after, kind),
            format!(
                "-- migrate:upgrade {name}\nALTER TABLE \"items\" ADD COLUMN \"color\" TEXT;\n\n\
                 -- migrate:downgrade {name}\nALTER TABLE \"items\" DROP COLUMN \"color\";\n",
                name = kind.name()
            )
        );
    }
    // Adding an indexed column is direct; dropping it again rebuilds towards the old table.
    let after = one(items()
        .column(Column::new("n", T::Integer).nullable())
        .index("ix", &["n"], false));
    let text = sections(&diff(&before, &after), &before, &after, Database::Sqlite);
    let (up, down) = text.split_once("-- migrate:downgrade sqlite\n").unwrap();
    assert!(
        up.ends_with("ADD COLUMN \"n\" INTEGER;\nCREATE INDEX \"ix\" ON \"items\" (\"n\");\n\n"),
        "{up}"
    );
    assert!(
        down.starts_with("CREATE TABLE \"_aurora_new_items\" (\n    \"id\" INTEGER PRIMARY KEY AUTOINCREMENT,\n    \"name\" VARCHAR(50)\n);"),
        "{down}"
    );
    assert!(down.ends_with("RENAME TO \"items\";\n"), "{down}");
}

#[test]
fn a_value_added_in_place_and_used_as_a_default_is_reported_on_postgres_only() {
    let mood = |default: &str| {
        Column::new("mood", T::Enum("mood".into())).default(ColumnDefault::Text(default.into()))
    };
    let uses = vec![
        alter_enum(&["happy", "sad"], &["happy", "sad", "calm"], vec![]),
        alter(mood("happy"), mood("calm")),
    ];
    assert_eq!(
        enum_values_added_and_used(&uses, Database::Postgres),
        ["mood.calm"]
    );
    assert!(enum_values_added_and_used(&uses, Database::Sqlite).is_empty());
    assert!(enum_values_added_and_used(&uses, Database::Mysql).is_empty());
    // Added but unused; or used from a rebuilt type, whose values all exist once it is created.
    let unused = vec![alter_enum(
        &["happy", "sad"],
        &["happy", "sad", "calm"],
        vec![],
    )];
    assert!(enum_values_added_and_used(&unused, Database::Postgres).is_empty());
    let rebuilt = vec![
        alter_enum(&["happy", "sad"], &["calm", "sad", "happy"], vec![]),
        alter(mood("happy"), mood("calm")),
    ];
    assert!(enum_values_added_and_used(&rebuilt, Database::Postgres).is_empty());
}
