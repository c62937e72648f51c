use super::*;

#[test]
fn rejects_unsafe_table_names() {
    assert!(Tables::new("alembic_version").is_ok());
    assert!(Tables::new("app.alembic_version").is_ok());
    for bad in ["", "a;drop", "a.b.c", "1abc", "a\"b"] {
        assert!(Tables::new(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_merge_step_replaces_both_parent_rows() {
    let tables = Tables::new("alembic_version").unwrap();
    let sql = step_statements(
        Database::Sqlite,
        &tables,
        &["a", "b"],
        &["m"],
        Some(("m", "ff")),
        None,
        Elapsed::Millis(3),
    );
    assert_eq!(
        sql[0],
        "DELETE FROM \"alembic_version\" WHERE version_num IN ('a', 'b')"
    );
    assert_eq!(
        sql[1],
        "INSERT INTO \"alembic_version\" (version_num) VALUES ('m')"
    );
    assert_eq!(
        sql[2],
        "REPLACE INTO \"alembic_version_aurora_log\" (revision, checksum, applied_at, execution_ms) \
         VALUES ('m', 'ff', CURRENT_TIMESTAMP, 3)"
    );
    assert_eq!(sql.len(), 3);
}

#[test]
fn a_step_along_a_branch_moves_its_row_and_upserts_the_log() {
    let tables = Tables::new("alembic_version").unwrap();
    let sql = step_statements(
        Database::Postgres,
        &tables,
        &["a"],
        &["b"],
        Some(("b", "ff")),
        None,
        Elapsed::ServerClock,
    );
    assert_eq!(
        sql[0],
        "UPDATE \"alembic_version\" SET version_num = 'b' WHERE version_num = 'a'"
    );
    assert!(
        sql[1].starts_with("INSERT INTO \"alembic_version_aurora_log\"")
            && sql[1].ends_with(
                "ON CONFLICT (revision) DO UPDATE SET checksum = EXCLUDED.checksum, \
                 applied_at = EXCLUDED.applied_at, execution_ms = EXCLUDED.execution_ms"
            ),
        "{}",
        sql[1]
    );
    assert_eq!(sql.len(), 2);
}
