use super::*;

fn table(name: &str) -> Removal {
    Removal::Table(name.into())
}

fn column(table: &str, column: &str) -> Removal {
    Removal::Column {
        table: table.into(),
        column: column.into(),
    }
}

#[test]
fn drops_of_tables_are_seen_in_every_spelling() {
    for (sql, expected) in [
        ("DROP TABLE wallets", vec![table("wallets")]),
        (
            "drop table if exists \"Wallets\" cascade",
            vec![table("Wallets")],
        ),
        (
            "DROP TABLE tokens, wallets",
            vec![table("tokens"), table("wallets")],
        ),
        ("DROP TABLE public.chains", vec![table("public.chains")]),
        ("DROP TABLE `app`.`chains`", vec![table("app.chains")]),
        ("-- gone\nDROP /* now */ TABLE t", vec![table("t")]),
    ] {
        assert_eq!(removals(sql), expected, "{sql}");
    }
}

#[test]
fn dropped_columns_are_seen_among_other_actions() {
    assert_eq!(
        removals("ALTER TABLE chains DROP COLUMN rpc_endpoint"),
        vec![column("chains", "rpc_endpoint")]
    );
    assert_eq!(
        removals(
            "alter table if exists only chains add column x int, drop status, drop column if exists \"Note\""
        ),
        vec![column("chains", "status"), column("chains", "Note")]
    );
    for harmless in [
        "ALTER TABLE chains DROP CONSTRAINT ck_status",
        "ALTER TABLE chains ALTER COLUMN status DROP DEFAULT",
        "ALTER TABLE chains ALTER COLUMN status DROP NOT NULL",
        "ALTER TABLE chains DROP PRIMARY KEY",
        "ALTER TABLE chains DROP FOREIGN KEY fk_x",
        "ALTER TABLE chains DROP INDEX ix_x",
        "ALTER TABLE chains ADD CONSTRAINT c CHECK (a IN ('drop', 'x'))",
        "DROP INDEX ix_tokens_symbol",
        "DROP TYPE chain_kind",
        "CREATE TABLE t (id INT)",
        "UPDATE chains SET is_active = status = 'active'",
    ] {
        assert_eq!(removals(harmless), Vec::new(), "{harmless}");
    }
}

#[test]
fn emptied_tables_and_what_cannot_be_counted() {
    assert_eq!(
        removals("TRUNCATE TABLE a, b"),
        vec![Removal::Rows("a".into()), Removal::Rows("b".into())]
    );
    assert_eq!(
        removals("delete from chains where id > 3"),
        vec![Removal::Rows("chains".into())]
    );
    assert!(matches!(
        removals("DROP SCHEMA app CASCADE").as_slice(),
        [Removal::Uncountable(_)]
    ));
}
