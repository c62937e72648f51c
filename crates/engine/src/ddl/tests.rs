//! Snapshots of the SQL each operation produces per dialect. Each `.snap` was checked by eye
//! and against a real server (PostgreSQL 15, SQLite 3.40) before it was accepted.

use super::*;

const DIALECTS: [Database; 3] = [Database::Postgres, Database::Sqlite, Database::Mysql];

/// The statements one migration direction produces, one per line, each ended by `;`.
fn render(kind: Database, build: impl Fn(&mut Ddl)) -> String {
    let mut ddl = Ddl::new(kind);
    build(&mut ddl);
    ddl.into_statements()
        .unwrap()
        .iter()
        .map(|statement| format!("{statement};\n"))
        .collect()
}

/// One snapshot per dialect, named `<name>@<dialect>`.
fn snapshot_each_dialect(name: &str, build: impl Fn(&mut Ddl)) {
    for kind in DIALECTS {
        insta::assert_snapshot!(format!("{name}@{}", kind.name()), render(kind, &build));
    }
}

#[test]
fn create_table_with_every_type() {
    snapshot_each_dialect("create_table_every_type", |ddl| {
        ddl.create_table(
            "chains",
            vec![
                Column::new("id", Type::Primary),
                Column::new("height", Type::Integer),
                Column::new("name", Type::Text),
                Column::new("symbol", Type::Varchar(16)),
                Column::new("testnet", Type::Boolean),
                Column::new("fee", Type::Double),
                Column::new("launched_on", Type::Date),
                Column::new("updated_at", Type::Timestamp),
            ],
        );
    });
}

#[test]
fn create_table_with_nullable_unique_and_default_columns() {
    snapshot_each_dialect("create_table_constraints_and_defaults", |ddl| {
        ddl.create_table(
            "endpoints",
            vec![
                Column::new("id", Type::Primary),
                Column::new("url", Type::Varchar(255)).unique(),
                Column::new("note", Type::Text).nullable(),
                Column::new("alias", Type::Varchar(64)).nullable().unique(),
                Column::new("retries", Type::Integer).default(DefaultValue::Integer(3)),
                Column::new("weight", Type::Integer).default(DefaultValue::Integer(-1)),
                Column::new("enabled", Type::Boolean).default(DefaultValue::Boolean(true)),
                Column::new("archived", Type::Boolean).default(DefaultValue::Boolean(false)),
                Column::new("label", Type::Text)
                    .default(DefaultValue::Text("it's; -- fine".into())),
                Column::new("region", Type::Varchar(8))
                    .nullable()
                    .default(DefaultValue::Text("eu".into())),
            ],
        );
    });
}

#[test]
fn add_column() {
    snapshot_each_dialect("add_column", |ddl| {
        ddl.add_column("chains", Column::new("rpc_url", Type::Text).nullable());
        ddl.add_column(
            "chains",
            Column::new("kind", Type::Varchar(32)).default(DefaultValue::Text("o'clock".into())),
        );
        ddl.add_column(
            "chains",
            Column::new("active", Type::Boolean).default(DefaultValue::Boolean(true)),
        );
    });
}

#[test]
fn drop_column() {
    snapshot_each_dialect("drop_column", |ddl| {
        ddl.drop_column("chains", "rpc_url");
        ddl.drop_column("odd\"table", "odd\"column");
    });
}

#[test]
fn rename_table() {
    snapshot_each_dialect("rename_table", |ddl| ddl.rename_table("chains", "networks"));
}

#[test]
fn create_index_unique_and_not() {
    snapshot_each_dialect("create_index", |ddl| {
        ddl.create_index("chains", "chains_name_idx", &["name"], false);
        ddl.create_index(
            "chains",
            "chains_symbol_testnet_key",
            &["symbol", "testnet"],
            true,
        );
    });
}

#[test]
fn drop_index() {
    snapshot_each_dialect("drop_index", |ddl| {
        ddl.drop_index("chains", "chains_name_idx")
    });
}

#[test]
fn drop_table() {
    snapshot_each_dialect("drop_table", |ddl| ddl.drop_table("chains"));
}

#[test]
fn statements_keep_the_order_they_were_written_in() {
    for kind in DIALECTS {
        let mut ddl = Ddl::new(kind);
        assert_eq!(ddl.dialect(), kind);
        ddl.create_table("a", vec![Column::new("id", Type::Primary)]);
        ddl.sql("  UPDATE a SET id = id;  ");
        ddl.drop_table("a");
        let statements = ddl.into_statements().unwrap();
        assert_eq!(statements.len(), 3, "{statements:?}");
        let q = if kind == Database::Mysql { '`' } else { '"' };
        assert!(
            statements[0].starts_with(&format!("CREATE TABLE {q}a{q}")),
            "{statements:?}"
        );
        assert_eq!(statements[1], "UPDATE a SET id = id");
        assert_eq!(statements[2], format!("DROP TABLE {q}a{q}"));
    }
}

#[test]
fn a_text_default_with_a_semicolon_stays_one_statement() {
    for kind in DIALECTS {
        let mut ddl = Ddl::new(kind);
        ddl.add_column(
            "t",
            Column::new("c", Type::Text).default(DefaultValue::Text("a;b".into())),
        );
        let statements = ddl.into_statements().unwrap();
        assert_eq!(statements.len(), 1, "{statements:?}");
        assert!(
            statements[0].ends_with("DEFAULT 'a;b' NOT NULL"),
            "{statements:?}"
        );
    }
}

#[test]
fn raw_sql_loses_its_trailing_semicolons_and_blanks() {
    let mut ddl = Ddl::new(Database::Sqlite);
    ddl.sql("\n  CREATE VIEW v AS SELECT 1;;\n");
    assert_eq!(
        ddl.into_statements().unwrap(),
        ["CREATE VIEW v AS SELECT 1"]
    );
}

#[test]
fn quote_doubles_embedded_double_quotes() {
    assert_eq!(quote("plain"), "\"plain\"");
    assert_eq!(quote("a\"b"), "\"a\"\"b\"");
}

#[test]
fn sqlite_add_column_makes_uniqueness_a_separate_index() {
    let mut ddl = Ddl::new(Database::Sqlite);
    ddl.add_column(
        "chains",
        Column::new("slug", Type::Text).nullable().unique(),
    );
    let statements = ddl.into_statements().unwrap();
    assert!(
        !statements
            .iter()
            .any(|s| s.contains("ADD COLUMN") && s.contains("UNIQUE")),
        "{statements:?}"
    );
    assert!(
        statements
            .iter()
            .any(|s| s.starts_with("CREATE UNIQUE INDEX")),
        "{statements:?}"
    );
}

#[test]
fn barrel_built_statements_escape_double_quotes_like_quote() {
    for kind in [Database::Postgres, Database::Sqlite] {
        let sql = render(kind, |ddl| {
            ddl.create_table("odd\"t", vec![Column::new("odd\"c", Type::Integer)]);
            ddl.create_index("odd\"t", "odd\"i", &["odd\"c"], false);
            ddl.rename_table("odd\"t", "odd\"u");
            ddl.drop_table("odd\"u");
        });
        assert_eq!(
            sql,
            "CREATE TABLE \"odd\"\"t\" (\"odd\"\"c\" INTEGER NOT NULL);\n\
             CREATE INDEX \"odd\"\"i\" ON \"odd\"\"t\" (\"odd\"\"c\");\n\
             ALTER TABLE \"odd\"\"t\" RENAME TO \"odd\"\"u\";\n\
             DROP TABLE \"odd\"\"u\";\n",
            "{}",
            kind.name()
        );
    }
}

#[test]
fn adding_a_primary_key_column_is_refused_with_a_reason() {
    for kind in DIALECTS {
        let mut ddl = Ddl::new(kind);
        ddl.add_column("chains", Column::new("id2", Type::Primary));
        let fault = ddl.into_statements().unwrap_err();
        assert!(
            fault.contains("cannot be added to an existing table"),
            "{fault}"
        );
    }
}

#[test]
fn mysql_names_are_backquoted_with_backquotes_doubled() {
    let sql = render(Database::Mysql, |ddl| {
        ddl.create_table("odd`t", vec![Column::new("odd\"c", Type::Integer)]);
        ddl.drop_index("odd`t", "ix");
    });
    assert_eq!(
        sql,
        "CREATE TABLE `odd``t` (`odd\"c` INTEGER NOT NULL);\nDROP INDEX \"ix\" ON \"odd`t\";\n"
    );
}

#[test]
fn mysql_refuses_a_unique_text_column_with_a_reason() {
    let mut ddl = Ddl::new(Database::Mysql);
    ddl.add_column("chains", Column::new("slug", Type::Text).unique());
    let fault = ddl.into_statements().unwrap_err();
    assert!(
        fault.contains("cannot be indexed on MySQL; use Type::Varchar(n)"),
        "{fault}"
    );
}
