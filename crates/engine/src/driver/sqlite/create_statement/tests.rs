//! The CREATE TABLE reader in memory: names, quoting, actions, enums and comments.

use super::*;

#[test]
fn reads_inline_and_table_constraints() {
    let sql = "CREATE TABLE tokens (\n id INTEGER PRIMARY KEY AUTOINCREMENT,\n \
               chain_id INTEGER NOT NULL REFERENCES chains (id) ON DELETE CASCADE,\n \
               kind VARCHAR(7) NOT NULL DEFAULT 'a' CHECK (kind IN ('a', 'b''c')),\n \
               decimals SMALLINT NOT NULL CHECK (decimals BETWEEN 0 AND 36),\n \
               name TEXT UNIQUE,\n \
               CONSTRAINT uq_x UNIQUE (chain_id, name),\n \
               CONSTRAINT fk_y FOREIGN KEY (name) REFERENCES other (n) ON UPDATE SET NULL\n)";
    let found = constraints("tokens", sql);
    assert_eq!(found.enums["kind"], ["a", "b'c"]);
    assert_eq!(
        found.checks,
        [Check {
            name: "tokens_decimals_check".into(),
            expression: "(decimals BETWEEN 0 AND 36)".into()
        }]
    );
    let uniques: Vec<&str> = found.uniques.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(uniques, ["tokens_name_key", "uq_x"]);
    assert_eq!(found.foreign_keys[0].name, "tokens_chain_id_fkey");
    assert_eq!(found.foreign_keys[0].on_delete, Action::Cascade);
    assert_eq!(found.foreign_keys[1].name, "fk_y");
    assert_eq!(found.foreign_keys[1].on_update, Action::SetNull);
    assert_eq!(found.foreign_keys[1].ref_columns, ["n"]);
}

#[test]
fn quoted_names_are_unquoted() {
    let found = constraints(
        "t",
        "CREATE TABLE \"t\" (\"a b\" TEXT CONSTRAINT \"named\" UNIQUE)",
    );
    assert_eq!(
        found.uniques,
        [Unique {
            name: "named".into(),
            columns: vec!["a b".into()]
        }]
    );
}

fn fk(name: &str, columns: &[&str], ref_table: &str, ref_columns: &[&str]) -> ForeignKey {
    let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
    ForeignKey {
        name: name.into(),
        columns: strings(columns),
        ref_table: ref_table.into(),
        ref_columns: strings(ref_columns),
        on_delete: Action::NoAction,
        on_update: Action::NoAction,
    }
}

#[test]
fn unnamed_table_constraints_get_postgres_names() {
    let sql = "CREATE TABLE IF NOT EXISTS t (a INTEGER, b TEXT, \
               UNIQUE (a, b), CHECK (a < length(b)), \
               FOREIGN KEY (a, b) REFERENCES p (x, y) ON DELETE SET DEFAULT ON UPDATE CASCADE\
               ) WITHOUT ROWID";
    let found = constraints("t", sql);
    assert_eq!(
        found.uniques,
        [Unique {
            name: "t_a_b_key".into(),
            columns: vec!["a".into(), "b".into()]
        }]
    );
    assert_eq!(
        found.checks,
        [Check {
            name: "t_check".into(),
            expression: "(a < length(b))".into()
        }]
    );
    assert_eq!(
        found.foreign_keys,
        [ForeignKey {
            on_delete: Action::SetDefault,
            on_update: Action::Cascade,
            ..fk("t_a_b_fkey", &["a", "b"], "p", &["x", "y"])
        }]
    );
    assert!(found.enums.is_empty());
}

/// PostgreSQL names a table CHECK on one column like a column CHECK, and numbers
/// repeated names: `t_a_check`, `t_a_check1`, `t_check` (checked on PostgreSQL 15).
#[test]
fn table_checks_are_named_as_postgres_names_them() {
    let sql = "CREATE TABLE t (a INTEGER, b INTEGER, CHECK (a > 0), CHECK (a < 5), CHECK (a < b))";
    let names: Vec<String> = constraints("t", sql)
        .checks
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["t_a_check", "t_a_check1", "t_check"]);
}

#[test]
fn foreign_key_actions_in_any_order() {
    let sql = "CREATE TABLE t (\
               a INTEGER REFERENCES p ON UPDATE SET NULL ON DELETE NO ACTION, \
               b INTEGER CONSTRAINT fk_b REFERENCES p (id) ON DELETE RESTRICT \
               DEFERRABLE INITIALLY DEFERRED NOT NULL, \
               c INTEGER REFERENCES p (id) ON DELETE SET DEFAULT)";
    let found = constraints("t", sql);
    let a = ForeignKey {
        on_update: Action::SetNull,
        ..fk("t_a_fkey", &["a"], "p", &[])
    };
    let b = ForeignKey {
        on_delete: Action::Restrict,
        ..fk("fk_b", &["b"], "p", &["id"])
    };
    let c = ForeignKey {
        on_delete: Action::SetDefault,
        ..fk("t_c_fkey", &["c"], "p", &["id"])
    };
    assert_eq!(found.foreign_keys, [a, b, c]);
}

#[test]
fn every_quoting_style_is_read() {
    let sql = "CREATE TABLE `t` ([my col] TEXT CONSTRAINT [named one] UNIQUE, \
               `other` INTEGER REFERENCES \"p\"\"q\" ([id]), \
               \"k\"\"ind\" TEXT CHECK (\"k\"\"ind\" IN ('a', 'b')), \
               CONSTRAINT `uq` UNIQUE ([my col], `other`))";
    let found = constraints("t", sql);
    let uniques: Vec<(&str, &[String])> = found
        .uniques
        .iter()
        .map(|u| (u.name.as_str(), u.columns.as_slice()))
        .collect();
    let (one, two) = (["my col".to_string()], ["my col".into(), "other".into()]);
    assert_eq!(uniques, [("named one", &one[..]), ("uq", &two[..])]);
    assert_eq!(
        found.foreign_keys,
        [fk("t_other_fkey", &["other"], "p\"q", &["id"])]
    );
    assert_eq!(found.enums["k\"ind"], ["a", "b"]);
}

#[test]
fn line_comments_inside_the_statement_are_skipped() {
    let sql = "CREATE TABLE t ( -- it's the (first) table, UNIQUE\n\
               a TEXT, -- was UNIQUE, once\n\
               b TEXT UNIQUE -- b's key\n)";
    let found = constraints("t", sql);
    let names: Vec<&str> = found.uniques.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["t_b_key"]);
}

#[test]
fn block_comments_inside_the_statement_are_skipped() {
    let sql = "CREATE TABLE t (a TEXT /* was UNIQUE, isn't now */ NOT NULL, b TEXT UNIQUE)";
    let found = constraints("t", sql);
    let names: Vec<&str> = found.uniques.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["t_b_key"]);
}

#[test]
fn a_check_that_is_more_than_a_list_is_not_an_enum() {
    let sql = "CREATE TABLE t (\
               kind TEXT CHECK (kind IN ('a') OR kind IS NULL), \
               other TEXT CHECK (kind IN ('a')), \
               neg TEXT CONSTRAINT ck_neg CHECK (neg NOT IN ('a')), \
               num INTEGER CHECK (num IN (1, 2)))";
    let found = constraints("t", sql);
    assert!(found.enums.is_empty(), "{:?}", found.enums);
    let checks: Vec<(&str, &str)> = found
        .checks
        .iter()
        .map(|c| (c.name.as_str(), c.expression.as_str()))
        .collect();
    assert_eq!(
        checks,
        [
            ("t_kind_check", "(kind IN ('a') OR kind IS NULL)"),
            ("t_other_check", "(kind IN ('a'))"),
            ("ck_neg", "(neg NOT IN ('a'))"),
            ("t_num_check", "(num IN (1, 2))"),
        ]
    );
}
