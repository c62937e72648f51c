use crate::database::Database;
use crate::source::parse;

const HEADER: &str = "-- Fill status\n--\n-- Revision ID: abc123\n-- Revises:\n\n";

fn file(body: &str) -> String {
    format!(
        "{HEADER}-- migrate:upgrade\nALTER TABLE t ADD COLUMN s INT;\n\n{body}\n-- migrate:downgrade\nALTER TABLE t DROP COLUMN s;\n"
    )
}

fn fault(body: &str) -> (usize, String) {
    let e = parse("abc123_fill.sql", &file(body)).unwrap_err();
    (e.line, e.message)
}

#[test]
fn a_block_is_read_and_kept_out_of_the_sections() {
    let parsed = parse(
        "abc123_fill.sql",
        &file("-- migrate:backfill\n-- Table: app.t\n-- Key: id\n-- Batch Time: 50ms\n-- Upper Bound: 1000\nSET s = (SELECT 1 WHERE TRUE),\n    note = 'where'\nWHERE s IS NULL;\n"),
    )
    .unwrap();
    let [backfill] = parsed.backfills.as_slice() else {
        panic!("one backfill: {:?}", parsed.backfills)
    };
    assert_eq!(backfill.table, "app.t");
    assert_eq!(backfill.key, "id");
    assert_eq!(backfill.marker_line, 9);
    assert_eq!(backfill.batch_millis, 50);
    assert_eq!(backfill.upper_bound, Some(1000));
    assert_eq!(
        backfill.set,
        "s = (SELECT 1 WHERE TRUE),\n    note = 'where'"
    );
    assert_eq!(backfill.filter.as_deref(), Some("s IS NULL"));
    let upgrade = &parsed.sections[0];
    assert!(!upgrade.body.contains("SET s"), "{}", upgrade.body);
    // The downgrade section still starts where the file says.
    assert_eq!(parsed.sections[1].marker_line, 18);
}

#[test]
fn dialect_variants_and_defaults() {
    let parsed = parse(
        "abc123_fill.sql",
        &file("-- migrate:backfill postgresql\n-- Table: t\n-- Key: id\nSET s = 1;\n-- migrate:backfill\n-- Table: t\n-- Key: id\nset s = 2;\n"),
    )
    .unwrap();
    assert_eq!(parsed.backfills.len(), 2);
    assert_eq!(parsed.backfills[0].dialect, Some(Database::Postgres));
    assert_eq!(
        parsed.backfills[1].batch_millis,
        super::DEFAULT_BATCH_MILLIS
    );
    assert_eq!(parsed.backfills[1].filter, None);
}

#[test]
fn faults_name_the_line_and_the_fix() {
    let (line, message) = fault("-- migrate:backfill\n-- Key: id\nSET s = 1;\n");
    assert_eq!(line, 9);
    assert!(message.contains("`-- Table: accounts`"), "{message}");
    let (line, message) =
        fault("-- migrate:backfill\n-- Table: t\n-- Key: id, other\nSET s = 1;\n");
    assert_eq!(line, 11);
    assert!(message.contains("single integer column"), "{message}");
    let (_, message) = fault("-- migrate:backfill\n-- Table: t\n-- Key: id\nUPDATE t SET s = 1;\n");
    assert!(message.contains("starts with `SET`"), "{message}");
    let (_, message) =
        fault("-- migrate:backfill\n-- Table: t\n-- Key: id\nSET s = 1;\nSET s = 2;\n");
    assert!(message.contains("one `SET"), "{message}");
    let (line, message) =
        fault("-- migrate:backfill\n-- Table: t\n-- Key: id\n-- Batch Time: 5m\nSET s = 1;\n");
    assert_eq!(line, 12);
    assert!(message.contains("`Batch Time`"), "{message}");
    let (_, message) = fault("-- migrate:backfill\n-- Table: t\n-- Key: id\nSET s = 1 WHERE ;\n");
    assert!(message.contains("need something after them"), "{message}");
    let (_, message) = fault("-- migrate:backfill oracle\n-- Table: t\n-- Key: id\nSET s = 1;\n");
    assert!(message.contains("unknown dialect `oracle`"), "{message}");
    let (_, message) = fault(
        "-- migrate:backfill\n-- Table: t\n-- Key: id\nSET s = 1;\n-- migrate:backfill\n-- Table: t\n-- Key: id\nSET s = 1;\n",
    );
    assert!(message.contains("repeats the one at line 9"), "{message}");
}

#[test]
fn requires_backfill_is_a_header_key() {
    let text = "-- Tighten\n--\n-- Revision ID: def456\n-- Revises: abc123\n-- Requires Backfill: abc123\n\n-- migrate:upgrade\nSELECT 1;\n-- migrate:downgrade\n";
    let parsed = parse("def456_tighten.sql", text).unwrap();
    assert_eq!(parsed.header.requires_backfill, ["abc123"]);
    assert_eq!(parsed.header.requires_backfill_line, 5);
}
