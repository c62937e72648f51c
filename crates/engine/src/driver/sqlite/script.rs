//! The text of a SQLite step, as the driver sends it and as an offline script prints it:
//! `BEGIN IMMEDIATE; ...; foreign-key guard; bookkeeping; COMMIT` in one call, and the session
//! a script needs first. Pure text: must not touch a connection.

use crate::bookkeeping::Elapsed;
#[cfg(feature = "offline")]
use crate::bookkeeping::Tables;
use crate::driver::Work;
#[cfg(feature = "offline")]
use crate::driver::framing::Script;
#[cfg(feature = "offline")]
use crate::driver::framing::in_transaction;

/// A TEMP view whose INSERT trigger fails when a row breaks a foreign key: it lets the check
/// travel in the migration's batch and stop it before the bookkeeping and the commit. TEMP
/// objects live with the connection and never touch the database file.
pub(super) const GUARD_DDL: &str = "CREATE TEMP VIEW IF NOT EXISTS aurora_foreign_key_check(ok) AS SELECT 1 WHERE 0;
CREATE TEMP TRIGGER IF NOT EXISTS aurora_foreign_key_check INSTEAD OF INSERT ON aurora_foreign_key_check
BEGIN SELECT RAISE(ABORT, 'foreign key check failed') WHERE EXISTS (SELECT 1 FROM pragma_foreign_key_check); END";
const GUARD_CALL: &str = "INSERT INTO temp.aurora_foreign_key_check VALUES (1);\n";

/// Foreign keys off, as the driver opens its connection: a migration that rebuilds a table
/// needs them off, and the guard checks them instead. Written out only in a dump or a script.
#[cfg(any(feature = "autogenerate", feature = "offline"))]
pub(crate) const SETTINGS: &str = "PRAGMA foreign_keys = OFF;\n";

#[cfg(feature = "offline")]
/// A script's clock: where the step began, read by the bookkeeping's execution time.
const MARK_DDL: &str = "CREATE TEMP TABLE IF NOT EXISTS aurora_step_mark (started REAL);
DELETE FROM temp.aurora_step_mark;
INSERT INTO temp.aurora_step_mark VALUES (julianday('now'));\n";
#[cfg(feature = "offline")]
const MARK: &str = "UPDATE temp.aurora_step_mark SET started = julianday('now');\n";

/// A transactional step in one call, opened by `BEGIN IMMEDIATE` (inside the run's
/// transaction: a savepoint), so that the first result is not one of the migration's.
pub(crate) fn step(work: &Work<'_>, elapsed: Elapsed) -> String {
    let (opening, closing) = if work.transaction.enclosed {
        ("SAVEPOINT aurora_step;\n", "RELEASE aurora_step")
    } else {
        ("BEGIN IMMEDIATE;\n", "COMMIT")
    };
    let mut batch = String::from(opening);
    for statement in work.statements {
        batch.push_str(&statement.text);
        batch.push_str(";\n");
    }
    if checks_keys(work) {
        batch.push_str(GUARD_CALL);
    }
    for statement in (work.bookkeeping)(elapsed) {
        batch.push_str(&statement);
        batch.push_str(";\n");
    }
    batch.push_str(closing);
    batch
}

#[cfg(feature = "offline")]
/// The offline form of a step: the clock's mark, then what the driver sends.
pub(crate) fn script_step(work: &Work<'_>) -> String {
    let mut text = String::from(MARK);
    if work.transaction.transactional {
        text.push_str(&step(work, Elapsed::SinceStepMark));
        text.push_str(";\n");
        return text;
    }
    // `Transaction: none`: each statement with its journal rows as the runner writes them, the
    // guard, then the bookkeeping with the journal's removal.
    let mut bookkeeping = Vec::new();
    match &work.journal {
        Some(journal) => {
            for (i, statement) in work.statements.iter().enumerate() {
                text.push_str(&crate::driver::framing::journaled_statement(
                    aurora_migrate_core::Database::Sqlite,
                    journal,
                    i,
                    &statement.text,
                    super::journaled::outside_transaction(&statement.text),
                ));
            }
        }
        None => {
            for statement in work.statements {
                text.push_str(&statement.text);
                text.push_str(";\n");
            }
        }
    }
    if checks_keys(work) {
        bookkeeping.push(GUARD_CALL.trim_end().trim_end_matches(';').to_string());
    }
    bookkeeping.extend((work.bookkeeping)(Elapsed::SinceStepMark));
    if let Some(journal) = &work.journal {
        bookkeeping.push(
            journal
                .tables
                .journal_clear(journal.revision, journal.direction),
        );
    }
    text.push_str(&in_transaction(BEGIN, &bookkeeping));
    text
}

/// How a transaction opens on this database.
pub(crate) const BEGIN: &str = "BEGIN IMMEDIATE";

#[cfg(feature = "offline")]
/// Stops the script (sqlite3 -bail) unless the version table holds exactly `rows` (none:
/// base): a temporary table's CHECK fails, and its name says why.
pub(crate) fn expect_rows(tables: &Tables, rows: &[&str]) -> String {
    let shown = match rows {
        [] => "<base>".to_string(),
        rows => rows.join(", "),
    };
    let condition = crate::driver::framing::holds_exactly(&tables.version_sql(), rows);
    [
        format!(
            "CREATE TEMP TABLE aurora_expect (at_start INTEGER NOT NULL, CONSTRAINT \"the database is not at \
             {shown}, where this script starts: nothing was changed; see where it is with current\" CHECK (at_start));"
        ),
        format!("INSERT INTO temp.aurora_expect SELECT {condition};"),
        "DROP TABLE temp.aurora_expect;\n".to_string(),
    ]
    .join("\n")
}

#[cfg(feature = "offline")]
/// The session a script sets up as the driver does its connection: foreign keys off (a
/// migration rebuilding a table needs them off), the guard, the clock. Each step's
/// `BEGIN IMMEDIATE` is the lock.
pub(crate) fn script() -> Script {
    Script {
        opening: format!("{SETTINGS}{GUARD_DDL};\n{MARK_DDL}"),
        begin_run: "BEGIN IMMEDIATE;\n".into(),
        commit_run: "COMMIT;\n".into(),
        closing: String::new(),
    }
}

/// Whether the step may leave rows pointing at nothing, so that the guard must run.
pub(super) fn checks_keys(work: &Work<'_>) -> bool {
    !work
        .statements
        .iter()
        .all(|s| leaves_references_intact(&s.text))
}

pub(super) fn leaves_references_intact(statement: &str) -> bool {
    let upper = statement.to_ascii_uppercase();
    let words: Vec<&str> = upper.split_ascii_whitespace().take(4).collect();
    match words.as_slice() {
        ["CREATE", ..] => true,
        ["ALTER", "TABLE", _, "ADD"] => !upper.contains("REFERENCES"),
        _ => false,
    }
}
