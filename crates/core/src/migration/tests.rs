use super::*;

const FILE: &str = "-- Add chains\n-- Revision ID: ae10\n-- Revises:\n\n-- migrate:upgrade\nCREATE TABLE chains (id int);\nCREATE INDEX ix ON chains (id);\n\n-- migrate:upgrade sqlite\nCREATE TABLE chains (id integer);\n\n-- migrate:downgrade\nDROP TABLE chains;\n";

#[test]
fn a_file_is_parsed_once_into_statements_with_their_lines_and_a_checksum() {
    let migration = Migration::parse("ae10_add_chains.sql", FILE).expect("parses");
    assert_eq!(migration.id, "ae10");
    assert_eq!(migration.message, "Add chains");
    assert_eq!(migration.checksum, crate::checksum::of_file(FILE));
    let up = migration
        .statements(Database::Postgres, Direction::Upgrade)
        .expect("plain section");
    assert_eq!(
        up.iter()
            .map(|s| (s.text.as_ref(), s.line))
            .collect::<Vec<_>>(),
        [
            ("CREATE TABLE chains (id int)", 6),
            ("CREATE INDEX ix ON chains (id)", 7)
        ]
    );
    let sqlite = migration
        .statements(Database::Sqlite, Direction::Upgrade)
        .expect("its own section");
    assert_eq!(sqlite[0].text, "CREATE TABLE chains (id integer)");
    assert_eq!(
        migration
            .statements(Database::Mysql, Direction::Downgrade)
            .expect("plain")[0]
            .line,
        13
    );
}

#[test]
fn a_missing_section_names_the_file_and_what_to_add() {
    let text = "-- m\n-- Revision ID: ae10\n-- Revises:\n\n-- migrate:upgrade postgresql\nSELECT 1;\n\n-- migrate:downgrade\n";
    let migration = Migration::parse("ae10.sql", text).expect("parses");
    let error = migration
        .statements(Database::Sqlite, Direction::Upgrade)
        .expect_err("no section for SQLite");
    assert_eq!(
        error.to_string(),
        "ae10.sql: no upgrade section for sqlite; add `-- migrate:upgrade sqlite` or a section without a dialect"
    );
}
