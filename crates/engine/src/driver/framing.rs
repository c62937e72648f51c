//! The frame every database's script shares: the session it opens and closes, and a
//! transaction around statements. Below the per-database scripts and the dispatcher in
//! `script.rs`, which both use it. Pure text: must not import a driver.

/// The session a script opens and closes, and the transaction of a whole run.
#[derive(Debug, Clone, Default)]
pub struct Script {
    /// Before anything: session settings, the lock.
    pub opening: String,
    /// Opens the transaction of a whole run (`--transaction all`).
    pub begin_run: String,
    /// Commits it.
    pub commit_run: String,
    /// After everything: the lock released.
    pub closing: String,
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
