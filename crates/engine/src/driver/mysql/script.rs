//! The text of a MySQL step, as the driver sends it and as an offline script prints it: the
//! dirty mark, the statements, then the bookkeeping and the mark's removal in one transaction;
//! and the session a script needs (ANSI_QUOTES, the runners' lock). Pure text: must not touch
//! a connection.

use crate::bookkeeping::Elapsed;
#[cfg(feature = "offline")]
use crate::bookkeeping::Tables;
use crate::driver::Work;
#[cfg(feature = "offline")]
use crate::driver::framing::Script;
use crate::sql::literal;

/// Sessions read identifiers in double quotes, as on every other database.
pub(crate) const ANSI_QUOTES: &str = "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')";

/// A step in one multi-statement message: the clock, the lock timeouts and the mark first
/// (a retry that continues a step keeps its clock and mark), and how many results they give
/// before the migration's first statement.
pub(crate) fn step(work: &Work<'_>) -> (String, usize) {
    let crate::driver::Marking {
        tables,
        revision,
        direction,
        continued,
    } = work.dirty_mark;
    let mut batch = String::new();
    let mut leading = 0;
    if !continued {
        batch.push_str("SET @aurora_started = SYSDATE(6);\n");
        leading += 1;
    }
    if let Some(timeout) = work.lock_timeout {
        // Whole seconds, at least one: metadata locks (DDL) and row locks (DML) alike.
        let seconds = timeout.as_millis().div_ceil(1000).max(1);
        batch.push_str(&format!(
            "SET SESSION lock_wait_timeout = {seconds}, innodb_lock_wait_timeout = {seconds};\n"
        ));
        leading += 1;
    }
    if !continued {
        batch.push_str(&format!(
            "INSERT INTO {} (revision, direction) VALUES ({}, {});\n",
            tables.dirty_sql(),
            literal(revision),
            literal(direction.name())
        ));
        leading += 1;
    }
    for statement in work.statements {
        batch.push_str(&statement.text);
        batch.push_str(";\n");
    }
    batch.push_str(&format!("{BEGIN};\n"));
    for statement in (work.bookkeeping)(Elapsed::ServerClock) {
        batch.push_str(&statement);
        batch.push_str(";\n");
    }
    batch.push_str(&format!(
        "DELETE FROM {} WHERE revision = {};\nCOMMIT",
        tables.dirty_sql(),
        literal(revision)
    ));
    (batch, leading)
}

#[cfg(feature = "offline")]
/// The offline form of a step: what the driver sends, `Transaction: none` or not (DDL
/// commits as it runs here, and the dirty mark covers both).
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
