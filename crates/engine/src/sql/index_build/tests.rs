use super::*;

#[test]
fn a_concurrent_build_names_its_index_as_written() {
    for (text, name) in [
        ("CREATE INDEX CONCURRENTLY ix_a ON t (a)", Some("ix_a")),
        (
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix_b ON t (b) WHERE b > 0",
            Some("ix_b"),
        ),
        (
            "create index concurrently \"Ix C\" on t using btree (c)",
            Some("\"Ix C\""),
        ),
        (
            "CREATE INDEX CONCURRENTLY ix_d ON other.t (d)",
            Some("other.ix_d"),
        ),
        (
            "CREATE INDEX CONCURRENTLY s.ix_e ON s.t (e)",
            Some("s.ix_e"),
        ),
    ] {
        assert_eq!(concurrent_index(text).as_deref(), name, "{text}");
    }
}

#[test]
fn other_statements_and_unnamed_indexes_name_nothing() {
    for text in [
        "CREATE INDEX ix_a ON t (a)",
        "CREATE INDEX CONCURRENTLY ON t (a)",
        "DROP INDEX CONCURRENTLY ix_a",
        "REINDEX INDEX CONCURRENTLY ix_a",
        "SELECT 1; CREATE INDEX CONCURRENTLY ix_a ON t (a)",
        "not sql at all",
    ] {
        assert_eq!(concurrent_index(text), None, "{text}");
    }
}

#[test]
fn a_concurrent_drop_names_its_index() {
    assert_eq!(
        concurrent_drop("DROP INDEX CONCURRENTLY ix_t_v").as_deref(),
        Some("ix_t_v")
    );
    assert_eq!(
        concurrent_drop("-- gone\ndrop index concurrently if exists s.\"Ix\";").as_deref(),
        Some("s.\"Ix\"")
    );
    assert_eq!(concurrent_drop("DROP INDEX CONCURRENTLY a, b"), None);
    assert_eq!(concurrent_drop("DROP INDEX CONCURRENTLY a CASCADE"), None);
    assert_eq!(concurrent_drop("DROP INDEX ix_t_v"), None);
}
