//! The frame every database's script shares: the session it opens and closes, and a
//! transaction around statements. Below the per-database scripts and the dispatcher in
//! `script.rs`, which both use it; only offline scripts need it. Pure text: must not import a
//! driver.

/// The session a script opens and closes, and the transaction of a whole run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Script {
    /// Before anything: session settings, the lock.
    pub opening: String,
    /// Opens the transaction of a whole run (`--transaction all`).
    pub begin_run: String,
    /// Commits it.
    pub commit_run: String,
    /// After everything: the lock released.
    pub closing: String,
}

/// A condition, true when the version table `version` holds exactly `rows`: as many rows,
/// each of them one of these (the column is its key, so no row counts twice). PostgreSQL's
/// script checks in PL/pgSQL instead.
#[cfg(any(feature = "sqlite", feature = "mysql"))]
pub(crate) fn holds_exactly(version: &str, rows: &[&str]) -> String {
    let count = format!("(SELECT COUNT(*) FROM {version}) = {}", rows.len());
    if rows.is_empty() {
        return count;
    }
    format!(
        "{count} AND (SELECT COUNT(*) FROM {version} WHERE version_num IN ({})) = {}",
        crate::sql::literals(rows),
        rows.len()
    )
}

/// `statements` between `begin` and `COMMIT`, each ending its line.
pub(crate) fn in_transaction(begin: &str, statements: &[String]) -> String {
    let mut text = format!("{begin};\n");
    for statement in statements {
        text.push_str(statement);
        text.push_str(";\n");
    }
    text.push_str("COMMIT;\n");
    text
}

/// One statement of a `Transaction: none` migration in a script, with its step journal rows
/// as the runner writes them: in one transaction with its `done` row, or, for a statement
/// that must run `alone`, between a `started` row and a `done` row. A script stopped part-way
/// leaves the journal a stopped run leaves, and `upgrade` continues from it.
#[cfg(any(feature = "postgres", feature = "sqlite"))]
pub(crate) fn journaled_statement(
    kind: aurora_migrate_core::Database,
    journal: &super::Journaling<'_>,
    index: usize,
    text: &str,
    alone: bool,
) -> String {
    let key = journal.key(index);
    let hash = crate::bookkeeping::statement_hash(text);
    let done = journal.tables.journal_done(kind, key, &hash, journal.who);
    let statement = crate::sql::terminated(text);
    if alone {
        let started = journal
            .tables
            .journal_started(kind, key, &hash, journal.who);
        format!("{started};\n{statement}{done};\n")
    } else {
        let begin = match kind {
            aurora_migrate_core::Database::Sqlite => "BEGIN IMMEDIATE",
            _ => "BEGIN",
        };
        format!("{begin};\n{statement}{done};\nCOMMIT;\n")
    }
}
