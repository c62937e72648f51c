use super::record::text_literal;
use super::*;

#[test]
fn rejects_unsafe_table_names() {
    assert!(Tables::new("alembic_version").is_ok());
    assert!(Tables::new("app.alembic_version").is_ok());
    for bad in ["", "a;drop", "a.b.c", "1abc", "a\"b"] {
        assert!(Tables::new(bad).is_err(), "{bad}");
    }
}

fn record(revision: &str, downgrade: Option<&str>) -> Record {
    Record {
        revision: revision.into(),
        checksum: "ff".into(),
        message: "it's a step".into(),
        parents: vec!["a".into(), "b".into()],
        compatibility: aurora_migrate_core::Compatibility::Expand,
        transactional: true,
        downgrade: downgrade.map(str::to_string),
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
        Some(&record("m", None)),
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
        "REPLACE INTO \"alembic_version_aurora_log\" (revision, checksum, applied_at, execution_ms, \
         message, parents, compatibility, transactional, downgrade, downgrade_checksum) \
         VALUES ('m', 'ff', CURRENT_TIMESTAMP, 3, 'it''s a step', 'a,b', 'expand', 1, NULL, NULL)"
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
        Some(&record("b", Some("DROP TABLE x"))),
        None,
        Elapsed::ServerClock,
    );
    assert_eq!(
        sql[0],
        "UPDATE \"alembic_version\" SET version_num = 'b' WHERE version_num = 'a'"
    );
    assert!(
        sql[1].starts_with("INSERT INTO \"alembic_version_aurora_log\"")
            && sql[1].contains(&format!(
                "'DROP TABLE x', '{}')",
                downgrade_checksum("DROP TABLE x")
            ))
            && sql[1].contains(
                " ON CONFLICT (revision) DO UPDATE SET checksum = EXCLUDED.checksum, \
                 applied_at = EXCLUDED.applied_at, execution_ms = EXCLUDED.execution_ms, message = EXCLUDED.message"
            )
            && sql[1].ends_with("downgrade_checksum = EXCLUDED.downgrade_checksum"),
        "{}",
        sql[1]
    );
    assert_eq!(sql.len(), 2);
}

#[test]
fn a_stored_downgrade_splits_back_into_its_statements() {
    let statements: Vec<aurora_migrate_core::Statement> = [
        "DROP TABLE a -- a comment at the end",
        "UPDATE t SET v = 'x;\ny'",
        "DROP TABLE b",
    ]
    .iter()
    .map(|text| aurora_migrate_core::Statement {
        text: (*text).to_string().into(),
        line: 1,
    })
    .collect();
    let joined = Record::join(&statements);
    let back: Vec<String> = split_stored(&joined);
    let texts: Vec<&str> = statements.iter().map(|s| s.text.as_ref()).collect();
    assert_eq!(back, texts);
}

#[test]
fn text_with_a_backslash_reaches_mysql_unchanged() {
    assert_eq!(text_literal(Database::Mysql, "a'b"), "'a''b'");
    assert_eq!(
        text_literal(Database::Mysql, "a\\n"),
        "CONVERT(X'615C6E' USING utf8mb4)"
    );
    assert_eq!(text_literal(Database::Postgres, "a\\n"), "'a\\n'");
}

#[test]
fn an_older_log_gains_only_the_record_columns_it_lacks() {
    let tables = Tables::new("alembic_version").unwrap();
    let present: Vec<String> = [
        "revision",
        "checksum",
        "applied_at",
        "execution_ms",
        "message",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect();
    let sql = tables.extend_log(Database::Mysql, &present);
    assert_eq!(sql.len(), RECORD_COLUMNS.len() - 1);
    assert_eq!(
        sql[0],
        "ALTER TABLE \"alembic_version_aurora_log\" ADD COLUMN \"parents\" TEXT"
    );
    assert!(sql.iter().any(|s| s.ends_with("\"downgrade\" MEDIUMTEXT")));
    let all: Vec<String> = RECORD_COLUMNS.iter().map(|c| c.to_uppercase()).collect();
    assert!(tables.extend_log(Database::Postgres, &all).is_empty());
}
