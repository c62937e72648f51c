//! The text of a MySQL step, as the driver sends it and as an offline script prints it: each
//! statement with its step journal rows, then the bookkeeping and the journal's removal in one
//! transaction;
//! and the session a script needs (ANSI_QUOTES, the runners' lock). Pure text: must not touch
//! a connection.

use crate::bookkeeping::Elapsed;
#[cfg(feature = "offline")]
use crate::bookkeeping::Tables;
use crate::bookkeeping::statement_hash;
use crate::driver::Work;
#[cfg(feature = "offline")]
use crate::driver::framing::Script;
#[cfg(feature = "offline")]
use crate::sql::literal;
use aurora_migrate_core::Database;

/// Sessions read identifiers in double quotes, as on every other database.
pub(crate) const ANSI_QUOTES: &str = "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')";

/// What one result of a step's message answers for, in order: a failure's place in the
/// message says what it stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// The clock or the lock timeouts.
    Setup,
    /// Statement `i`'s `started` row, before it.
    Started(usize),
    /// The transaction that holds statement `i` (a data change) with its `done` row opens.
    Open(usize),
    /// Statement `i` itself.
    Statement(usize),
    /// Statement `i`'s `done` row, or the commit that holds it.
    Done(usize),
    /// The bookkeeping, in its own transaction.
    Bookkeeping,
}

/// A step in one multi-statement message: the clock and the lock timeouts first (a retry
/// that continues a step keeps its clock), then each statement with its journal rows, then
/// the bookkeeping with the journal's removal in one transaction; and what each result
/// answers for.
pub(crate) fn step(work: &Work<'_>) -> (String, Vec<Part>) {
    let mut batch = String::new();
    let mut parts = Vec::new();
    let mut push = |sql: &str, part: Part| {
        batch.push_str(sql);
        batch.push_str(";\n");
        parts.push(part);
    };
    let continued = work.journal.as_ref().is_some_and(|j| j.continued);
    if !continued {
        push("SET @aurora_started = SYSDATE(6)", Part::Setup);
    }
    if let Some(timeout) = work.lock_timeout {
        // Whole seconds, at least one: metadata locks (DDL) and row locks (DML) alike.
        let seconds = timeout.as_millis().div_ceil(1000).max(1);
        push(
            &format!(
                "SET SESSION lock_wait_timeout = {seconds}, innodb_lock_wait_timeout = {seconds}"
            ),
            Part::Setup,
        );
    }
    let last = work.statements.len().checked_sub(1);
    // The last statement's `done` row is the bookkeeping's commit, which clears the journal:
    // a data change joins that transaction, and DDL is followed by it. A migration of one
    // DDL statement costs one commit more than its statement and bookkeeping, as a mark of
    // the migration in progress would.
    let mut bookkeeping_open = None;
    for (i, statement) in work.statements.iter().enumerate() {
        // A statement whose last line holds a comment ends before a line of its own, so that
        // the comment cannot swallow what follows.
        let text = match statement
            .text
            .lines()
            .last()
            .is_some_and(|l| l.contains("--") || l.contains('#'))
        {
            true => format!("{}\n", statement.text),
            false => statement.text.to_string(),
        };
        let Some(journal) = &work.journal else {
            push(&text, Part::Statement(i));
            continue;
        };
        let (key, hash) = (journal.key(i), statement_hash(&statement.text));
        let done = journal
            .tables
            .journal_done(Database::Mysql, key, &hash, journal.who);
        if data_change(&statement.text) {
            // A data change commits with its row: exactly once.
            push(BEGIN, Part::Open(i));
            push(&text, Part::Statement(i));
            if Some(i) == last {
                bookkeeping_open = Some(i);
            } else {
                push(&done, Part::Done(i));
                push("COMMIT", Part::Done(i));
            }
        } else {
            // DDL commits by itself: between its rows, a run that stops leaves it `started`.
            let started = journal
                .tables
                .journal_started(Database::Mysql, key, &hash, journal.who);
            push(&started, Part::Started(i));
            push(&text, Part::Statement(i));
            if Some(i) != last {
                push(&done, Part::Done(i));
            }
        }
    }
    // The bookkeeping that holds the last data change rolls it back when it fails: it answers
    // for that statement's `done` row.
    let bookkeeping = match bookkeeping_open {
        Some(i) => Part::Done(i),
        None => {
            push(BEGIN, Part::Bookkeeping);
            Part::Bookkeeping
        }
    };
    for statement in (work.bookkeeping)(Elapsed::ServerClock) {
        push(&statement, bookkeeping);
    }
    if let Some(journal) = &work.journal {
        push(
            &journal
                .tables
                .journal_clear(journal.revision, journal.direction),
            bookkeeping,
        );
    }
    batch.push_str("COMMIT");
    parts.push(bookkeeping);
    (batch, parts)
}

/// A statement that changes rows, not the schema: it can share a transaction with its
/// journal row (on InnoDB; a MyISAM table does not roll back).
pub(crate) fn data_change(text: &str) -> bool {
    matches!(
        crate::sql::first_keyword(text).as_str(),
        "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "SELECT" | "WITH" | "VALUES"
    )
}

#[cfg(feature = "offline")]
/// The offline form of a step: what the driver sends, `Transaction: none` or not (DDL
/// commits as it runs here, and the step journal records both alike).
pub(crate) fn script_step(work: &Work<'_>) -> String {
    let mut text = step(work).0;
    text.push_str(";\n");
    text
}

/// How a transaction opens on this database.
pub(crate) const BEGIN: &str = "START TRANSACTION";

#[cfg(feature = "offline")]
/// Stops the script (the client stops at the first error) unless the version table holds
/// exactly `rows` (none: base): a temporary table's CHECK fails (MySQL 8.0.16+, MariaDB
/// 10.2+), under a name that says why (identifiers stop at 64 characters: the script's
/// comment above it names the revisions).
pub(crate) fn expect_rows(tables: &Tables, rows: &[&str]) -> String {
    let condition = crate::driver::framing::holds_exactly(&tables.version_sql(), rows);
    [
        "CREATE TEMPORARY TABLE aurora_expect (at_start INT NOT NULL, \
         CONSTRAINT database_is_not_where_this_script_starts CHECK (at_start = 1));"
            .to_string(),
        format!("INSERT INTO aurora_expect SELECT {condition};"),
        "DROP TEMPORARY TABLE aurora_expect;\n".to_string(),
    ]
    .join("\n")
}

#[cfg(feature = "offline")]
/// The session around a script: ANSI_QUOTES, and the runners' lock on this database, held
/// until the end (a year at most: `GET_LOCK` needs a bound).
pub(crate) fn script(tables: &Tables) -> Script {
    let name = format!(
        "LEFT(CONCAT({}, ':', DATABASE()), 64)",
        literal(&super::Mysql::lock_name(tables))
    );
    Script {
        opening: format!("{ANSI_QUOTES};\nSELECT GET_LOCK({name}, 31536000);\n"),
        begin_run: String::new(),
        commit_run: String::new(),
        closing: format!("SELECT RELEASE_LOCK({name});\n"),
    }
}
