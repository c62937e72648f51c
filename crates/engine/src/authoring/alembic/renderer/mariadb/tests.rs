use super::*;
use crate::authoring::alembic::renderer::Rendered;
use crate::authoring::alembic::renderer::result::Outcome;

fn key(id: &str, direction: &str, database: Database) -> (String, String, Database) {
    (id.to_string(), direction.to_string(), database)
}

#[test]
fn a_mysql_section_is_alembic_s_only_where_the_mariadb_dialect_renders_it_alike() {
    let sql = |statements: &[&str]| Outcome::Sql {
        statements: statements.iter().map(|s| s.to_string()).collect(),
        outside_transaction: false,
    };
    let failed = |reason, what: &str| Outcome::Failed {
        reason,
        line: Some(3),
        what: what.to_string(),
    };
    let mysql_key = |id: &str| key(id, "upgrade", Database::Mysql);
    let mut mysql = Rendered::default();
    let mut mariadb = Rendered::default();
    for (id, ours, theirs) in [
        (
            "same",
            sql(&["CREATE TABLE t (id INTEGER)"]),
            Some(sql(&["CREATE TABLE t (id INTEGER)"])),
        ),
        (
            "indexes",
            sql(&[
                "CREATE TABLE t (a INTEGER, b INTEGER)",
                "CREATE INDEX ix_a ON t (a)",
                "CREATE INDEX ix_b ON t (b)",
                "SELECT 1",
            ]),
            Some(sql(&[
                "CREATE TABLE t (a INTEGER, b INTEGER)",
                "CREATE INDEX ix_b ON t (b)",
                "CREATE INDEX ix_a ON t (a)",
                "SELECT 1",
            ])),
        ),
        (
            "moved",
            sql(&["CREATE INDEX ix_a ON t (a)", "SELECT 1"]),
            Some(sql(&["SELECT 1", "CREATE INDEX ix_a ON t (a)"])),
        ),
        (
            "differ",
            sql(&["SELECT 1", "ALTER TABLE t DROP CHECK c"]),
            Some(sql(&["SELECT 1", "ALTER TABLE t DROP CONSTRAINT c"])),
        ),
        (
            "longer",
            sql(&["SELECT 1"]),
            Some(sql(&["SELECT 1", "SELECT 2"])),
        ),
        (
            "theirs_failed",
            sql(&["SELECT 1"]),
            Some(failed(Reason::OfflineError, "KeyError")),
        ),
        (
            "ours_failed",
            failed(Reason::ReadsDatabase, "reads"),
            Some(sql(&["SELECT 1"])),
        ),
        ("missing", sql(&["SELECT 1"]), None),
    ] {
        mysql.sections.insert(mysql_key(id), ours);
        if let Some(theirs) = theirs {
            mariadb.sections.insert(mysql_key(id), theirs);
        }
    }
    // Another database's sections are not MariaDB's business.
    mysql
        .sections
        .insert(key("pg", "upgrade", Database::Postgres), sql(&["SELECT 1"]));
    agree(&mut mysql, &mariadb);
    let differ = |what: &str| Outcome::Failed {
        reason: Reason::MysqlMariadbDiffer,
        line: None,
        what: what.to_string(),
    };
    let expected = [
        ("same", sql(&["CREATE TABLE t (id INTEGER)"])),
        // A run of index creations in another order is the same SQL; ours is kept.
        (
            "indexes",
            sql(&[
                "CREATE TABLE t (a INTEGER, b INTEGER)",
                "CREATE INDEX ix_a ON t (a)",
                "CREATE INDEX ix_b ON t (b)",
                "SELECT 1",
            ]),
        ),
        // Not across another statement.
        (
            "moved",
            differ(
                "SQLAlchemy renders it differently for MySQL (`CREATE INDEX ix_a ON t (a)`) and \
                 for MariaDB (`SELECT 1`), and one mysql section serves both",
            ),
        ),
        (
            "differ",
            differ(
                "SQLAlchemy renders it differently for MySQL (`ALTER TABLE t DROP CHECK c`) and \
                 for MariaDB (`ALTER TABLE t DROP CONSTRAINT c`), and one mysql section serves both",
            ),
        ),
        (
            "longer",
            differ(
                "SQLAlchemy renders it differently for MySQL (1 statements) and for MariaDB (2 \
                 statements), and one mysql section serves both",
            ),
        ),
        (
            "theirs_failed",
            failed(Reason::OfflineError, "for MariaDB: KeyError"),
        ),
        ("ours_failed", failed(Reason::ReadsDatabase, "reads")),
        (
            "missing",
            Outcome::Failed {
                reason: Reason::NotRendered,
                line: None,
                what: "Alembic did not load the script as a revision for MariaDB".to_string(),
            },
        ),
    ];
    for (id, outcome) in expected {
        assert_eq!(mysql.sections[&mysql_key(id)], outcome, "{id}");
    }
    assert_eq!(
        mysql.sections[&key("pg", "upgrade", Database::Postgres)],
        sql(&["SELECT 1"])
    );
}
