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
