use super::script::leaves_references_intact;

#[test]
fn only_creations_and_plain_added_columns_skip_the_foreign_key_check() {
    for safe in [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p (id))",
        "create index ix on t (p)",
        "ALTER TABLE t ADD COLUMN c INTEGER",
        "alter table t\n  add c TEXT NOT NULL DEFAULT ''",
    ] {
        assert!(leaves_references_intact(safe), "{safe}");
    }
    for checked in [
        "ALTER TABLE t ADD COLUMN p INTEGER DEFAULT 7 REFERENCES p (id)",
        "ALTER TABLE t RENAME TO u",
        "INSERT INTO t VALUES (1, 2)",
        "DROP TABLE p",
        "UPDATE t SET p = 9",
    ] {
        assert!(!leaves_references_intact(checked), "{checked}");
    }
}
