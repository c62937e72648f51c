use super::*;

const PG: Database = Database::Postgres;
const MY: Database = Database::Mysql;
const LITE: Database = Database::Sqlite;

fn name(path: &str) -> Name {
    Name::new(path.split('.').map(String::from).collect())
}

fn table(path: &str) -> Loss {
    Loss::Table(name(path))
}

fn column(table: &str, column: &str) -> Loss {
    Loss::Column {
        table: name(table),
        column: column.into(),
    }
}

fn rows(table: &str, change: RowChange) -> Loss {
    Loss::Rows {
        table: name(table),
        change,
    }
}

#[test]
fn drops_of_tables_are_seen_in_every_spelling() {
    for (database, sql, expected) in [
        (PG, "DROP TABLE wallets", vec![table("wallets")]),
        (
            PG,
            "drop table if exists \"Wallets\" cascade",
            vec![table("Wallets")],
        ),
        (PG, "DROP TABLE Wallets", vec![table("wallets")]),
        (
            PG,
            "DROP TABLE tokens, wallets",
            vec![table("tokens"), table("wallets")],
        ),
        (PG, "DROP TABLE public.chains", vec![table("public.chains")]),
        (MY, "DROP TABLE `app`.`chains`", vec![table("app.chains")]),
        (LITE, "-- gone\nDROP /* now */ TABLE t", vec![table("t")]),
        (MY, "CREATE OR REPLACE TABLE t (a INT)", vec![table("t")]),
    ] {
        assert_eq!(losses(sql, database), expected, "{sql}");
    }
}

#[test]
fn dropped_columns_are_seen_among_other_actions() {
    assert_eq!(
        losses("ALTER TABLE chains DROP COLUMN rpc_endpoint", PG),
        vec![column("chains", "rpc_endpoint")]
    );
    assert_eq!(
        losses(
            "alter table if exists only chains add column x int, drop column status, drop column if exists \"Note\"",
            PG
        ),
        vec![column("chains", "status"), column("chains", "Note")]
    );
    assert_eq!(
        losses("ALTER TABLE chains ADD COLUMN x INT, DROP status", MY),
        vec![column("chains", "status")]
    );
    for (database, harmless) in [
        (PG, "ALTER TABLE chains DROP CONSTRAINT ck_status"),
        (PG, "ALTER TABLE chains ALTER COLUMN status DROP DEFAULT"),
        (PG, "ALTER TABLE chains ALTER COLUMN status DROP NOT NULL"),
        (MY, "ALTER TABLE chains DROP PRIMARY KEY"),
        (MY, "ALTER TABLE chains DROP FOREIGN KEY fk_x"),
        (MY, "ALTER TABLE chains DROP INDEX ix_x"),
        (
            PG,
            "ALTER TABLE chains ADD CONSTRAINT c CHECK (a IN ('drop', 'x'))",
        ),
        (PG, "DROP INDEX ix_tokens_symbol"),
        (PG, "DROP INDEX CONCURRENTLY ix_tokens_symbol"),
        (PG, "DROP TYPE chain_kind"),
        (PG, "DROP SCHEMA app"),
        (PG, "DROP VIEW v"),
        (PG, "CREATE TABLE t (id INT)"),
        (
            PG,
            "INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO NOTHING",
        ),
        (PG, "SELECT setval('chains_id_seq', 10)"),
        (PG, "WITH x AS (SELECT 1) SELECT count(*) FROM x"),
        (PG, "REINDEX TABLE chains"),
        (PG, "CLUSTER chains USING ix"),
        (PG, "VACUUM (FULL, ANALYZE) chains"),
    ] {
        let found = losses(harmless, database);
        assert!(found.is_empty(), "{harmless}: {found:?}");
    }
}

#[test]
fn rows_deleted_emptied_or_overwritten_are_seen_whatever_the_first_word() {
    for (database, sql, expected) in [
        (
            PG,
            "TRUNCATE TABLE a, b",
            vec![rows("a", RowChange::Emptied), rows("b", RowChange::Emptied)],
        ),
        (
            PG,
            "delete from chains where id > 3",
            vec![rows("chains", RowChange::Deleted { every: false })],
        ),
        (
            PG,
            "WITH d AS (DELETE FROM wallets RETURNING 1) SELECT count(*) FROM d",
            vec![rows("wallets", RowChange::Deleted { every: true })],
        ),
        (
            PG,
            "INSERT INTO archive WITH m AS (UPDATE wallets SET balance = 0 RETURNING *) SELECT * FROM m",
            vec![rows("wallets", RowChange::Overwritten { every: true })],
        ),
        (
            MY,
            "DELETE w FROM wallets w",
            vec![rows("wallets", RowChange::Deleted { every: true })],
        ),
        (
            MY,
            "DELETE w, t FROM wallets AS w JOIN tokens t ON t.id = w.token_id WHERE t.dead",
            vec![
                rows("wallets", RowChange::Deleted { every: false }),
                rows("tokens", RowChange::Deleted { every: false }),
            ],
        ),
        (
            PG,
            "UPDATE wallets SET balance = 0",
            vec![rows("wallets", RowChange::Overwritten { every: true })],
        ),
        (
            MY,
            "UPDATE wallets w JOIN tokens t ON t.id = w.token_id SET w.balance = 0",
            vec![rows("wallets", RowChange::Overwritten { every: true })],
        ),
        (
            PG,
            "MERGE INTO wallets w USING old o ON w.id = o.id WHEN MATCHED THEN DELETE",
            vec![rows("wallets", RowChange::Merged)],
        ),
        (
            MY,
            "REPLACE INTO settings (k, v) VALUES ('a', 'b')",
            vec![rows("settings", RowChange::Replaced)],
        ),
        (
            LITE,
            "INSERT OR REPLACE INTO settings (k, v) VALUES ('a', 'b')",
            vec![rows("settings", RowChange::Replaced)],
        ),
        (
            MY,
            "INSERT INTO settings (k, v) VALUES ('a', 'b') ON DUPLICATE KEY UPDATE v = 'b'",
            vec![rows("settings", RowChange::Upserted)],
        ),
        (
            PG,
            "INSERT INTO settings (k, v) VALUES ('a', 'b') ON CONFLICT (k) DO UPDATE SET v = 'b'",
            vec![rows("settings", RowChange::Upserted)],
        ),
    ] {
        assert_eq!(losses(sql, database), expected, "{sql}");
    }
}

#[test]
fn conversions_and_what_a_cascade_or_a_schema_takes_along_are_seen() {
    assert_eq!(
        losses(
            "ALTER TABLE wallets ALTER COLUMN balance TYPE INT USING balance::int",
            PG
        ),
        vec![Loss::Converted {
            table: name("wallets"),
            column: "balance".into()
        }]
    );
    assert_eq!(
        losses("ALTER TABLE wallets MODIFY COLUMN note VARCHAR(10)", MY),
        vec![Loss::Converted {
            table: name("wallets"),
            column: "note".into()
        }]
    );
    for (database, sql, what) in [
        (
            PG,
            "DROP TYPE chain_kind CASCADE",
            "every column of that type",
        ),
        (
            PG,
            "DROP DOMAIN positive CASCADE",
            "every column of that domain",
        ),
        (
            PG,
            "DROP EXTENSION citext CASCADE",
            "every column of its types",
        ),
        (
            PG,
            "DROP COLLATION german CASCADE",
            "every column that uses it",
        ),
        (PG, "DROP FUNCTION f() CASCADE", "whatever depends on it"),
        (PG, "DROP SEQUENCE s CASCADE", "whatever depends on it"),
        (PG, "DROP SCHEMA app CASCADE", "everything in it"),
        (MY, "DROP SCHEMA app", "everything in it"),
        (PG, "DROP DATABASE app", "everything in it"),
        (PG, "TRUNCATE a CASCADE", "every table that references them"),
    ] {
        let found = losses(sql, database);
        assert!(
            found
                .iter()
                .any(|l| l.table().is_none() && l.to_string().contains(what)),
            "{sql}: {found:?}"
        );
        assert!(
            found
                .iter()
                .filter(|l| l.table().is_none())
                .all(|l| matches!(l, Loss::TypeColumns { .. })
                    || l.to_string().ends_with("which cannot be counted before")),
            "{sql}"
        );
    }
}

#[test]
fn what_cannot_be_judged_counts_as_possibly_destructive_and_says_why() {
    for (database, sql, why) in [
        (
            PG,
            "DO $$ BEGIN DELETE FROM wallets; END $$",
            "parser cannot read it",
        ),
        (PG, "DROP OWNED BY app", "parser cannot read it"),
        (
            MY,
            "ALTER TABLE t DROP PARTITION p1",
            "parser cannot read it",
        ),
        (PG, "CALL purge_wallets()", "calls procedure purge_wallets"),
        (MY, "CALL purge_wallets()", "calls procedure purge_wallets"),
        (PG, "SELECT purge_wallets()", "calls purge_wallets()"),
        (PG, "SELECT app.purge(1), now()", "calls purge()"),
        (LITE, "SELECT purge_wallets()", "calls purge_wallets()"),
        (PG, "EXECUTE purge", "executes purge"),
    ] {
        let found = losses(sql, database);
        assert!(
            found
                .iter()
                .any(|l| matches!(l, Loss::Unjudged(w) if w.contains(why))
                    && l.to_string().ends_with("possibly destructive")),
            "{sql}: {found:?}"
        );
    }
}
