use super::*;

fn read(text: &str) -> Option<Vec<String>> {
    expected(text, Database::Mysql).map(|found| {
        found
            .iter()
            .map(|e| {
                format!(
                    "{} {}",
                    e.object,
                    if e.exists { "exists" } else { "is gone" }
                )
            })
            .collect()
    })
}

#[test]
fn each_kind_names_what_it_leaves() {
    assert_eq!(
        read("CREATE TABLE t (id INT)").unwrap(),
        ["the table t exists"]
    );
    assert_eq!(
        read("CREATE INDEX ix ON s.t (v)").unwrap(),
        ["the index ix on s.t exists"]
    );
    assert_eq!(
        read("ALTER TABLE t ADD COLUMN w INT, DROP COLUMN v").unwrap(),
        ["the column t.w exists", "the column t.v is gone"]
    );
    assert_eq!(
        read("DROP TABLE a, b").unwrap(),
        ["the table a is gone", "the table b is gone"]
    );
    assert_eq!(
        read("DROP INDEX ix ON t").unwrap(),
        ["the index ix on t is gone"]
    );
    assert_eq!(
        read("RENAME TABLE a TO b").unwrap(),
        ["the table a is gone", "the table b exists"]
    );
    assert_eq!(
        read("ALTER TABLE t ADD INDEX ix_v (v), ADD UNIQUE KEY uq_w (w), ADD PRIMARY KEY (id)")
            .unwrap(),
        [
            "the index ix_v on t exists",
            "the index uq_w on t exists",
            "the index PRIMARY on t exists"
        ]
    );
    assert_eq!(
        read("ALTER TABLE t ADD CONSTRAINT fk_p FOREIGN KEY (p) REFERENCES p (id)").unwrap(),
        ["the constraint fk_p on t exists"]
    );
    assert_eq!(
        read("ALTER TABLE t DROP FOREIGN KEY fk_p, DROP INDEX ix_v").unwrap(),
        [
            "the constraint fk_p on t is gone",
            "the index ix_v on t is gone"
        ]
    );
    assert_eq!(
        read("ALTER TABLE t ADD FOREIGN KEY (p) REFERENCES p (id)"),
        None,
        "the server names it"
    );
}

#[test]
fn forms_whose_object_may_have_been_there_have_no_expected_outcome() {
    for text in [
        "CREATE TABLE IF NOT EXISTS t (id INT)",
        "DROP TABLE IF EXISTS t",
        "ALTER TABLE t ADD COLUMN IF NOT EXISTS w INT",
        "ALTER TABLE t MODIFY COLUMN v BIGINT",
        "UPDATE t SET v = 1",
        "CALL fill()",
        "not sql at all",
    ] {
        assert_eq!(read(text), None, "{text}");
    }
}

#[test]
fn if_exists_forms_run_again_harmlessly() {
    for text in [
        "CREATE TABLE IF NOT EXISTS t (id INT)",
        "DROP TABLE IF EXISTS t",
        "CREATE INDEX IF NOT EXISTS ix ON t (v)",
    ] {
        assert!(repeatable(text, Database::Mysql), "{text}");
    }
    assert!(!repeatable(
        "ALTER TABLE t MODIFY COLUMN v BIGINT",
        Database::Mysql
    ));
    assert!(!repeatable("CREATE TABLE t (id INT)", Database::Mysql));
}
