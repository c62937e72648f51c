//! A statement of a `Transaction: none` migration with its row in the step journal: in one
//! transaction with its `done` row, so that it runs exactly once, except the statements
//! SQLite will not run in a transaction (VACUUM) or ignores there (`PRAGMA foreign_keys`),
//! which run between a `started` row and a `done` row. Must not import the runner.

use super::{Sqlite, lock};
use crate::bookkeeping::statement_hash;
use crate::driver::{Failure, Journaling, StepCheck, database_message};
use crate::sql::first_keyword;
use aurora_migrate_core::Database;

impl Sqlite {
    pub(super) async fn run_journaled(
        &mut self,
        journal: &Journaling<'_>,
        index: usize,
        text: &str,
    ) -> std::result::Result<(), Failure> {
        let key = journal.key(index);
        let hash = statement_hash(text);
        let (tables, who) = (journal.tables, journal.who);
        let done = tables.journal_done(Database::Sqlite, key, &hash, who);
        let refused = |e: &sqlx::Error| Failure {
            lock_timeout: lock::is_busy(e),
            ..Failure::new(None, database_message(e))
        };
        if !outside_transaction(text) {
            let message = format!("BEGIN;\n{}{done};\nCOMMIT", crate::sql::terminated(text));
            let Err(e) = self.execute(&message).await else {
                return Ok(());
            };
            let _ = self.execute("ROLLBACK").await;
            let failure = refused(&e);
            let failed = tables.journal_failed(Database::Sqlite, key, &hash, who, &failure.message);
            let _ = self.execute(&failed).await;
            return Err(failure);
        }
        let started = tables.journal_started(Database::Sqlite, key, &hash, who);
        self.execute(&started).await.map_err(|e| Failure {
            message: format!(
                "cannot record the statement's start in the step journal: {}",
                database_message(&e)
            ),
            ..refused(&e)
        })?;
        if let Err(e) = self.execute(text).await {
            let failure = refused(&e);
            let failed = tables.journal_failed(Database::Sqlite, key, &hash, who, &failure.message);
            let _ = self.execute(&failed).await;
            return Err(failure);
        }
        // The statement ran: a retry must not run it again, whatever stopped its row.
        self.execute(&done).await.map_err(|e| Failure {
            lock_timeout: false,
            message: format!(
                "the statement ran, but its row in the step journal could not be written ({}): \
                 the next run checks whether it took effect before going on",
                database_message(&e)
            ),
            ..refused(&e)
        })
    }
}

/// Statements that must run outside a transaction: VACUUM refuses one; a PRAGMA may be a
/// no-op inside one (`foreign_keys`); ATTACH, DETACH and the transaction statements act on
/// the connection itself.
pub(super) fn outside_transaction(text: &str) -> bool {
    matches!(
        first_keyword(text).as_str(),
        "VACUUM"
            | "PRAGMA"
            | "ATTACH"
            | "DETACH"
            | "BEGIN"
            | "COMMIT"
            | "END"
            | "ROLLBACK"
            | "SAVEPOINT"
            | "RELEASE"
    )
}

/// What a statement left `started` did: only those run outside a transaction are ever left
/// so, and of them only VACUUM, ANALYZE and PRAGMA are known to be safe to run again.
pub(crate) fn check_step(text: &str) -> StepCheck {
    match first_keyword(text).as_str() {
        keyword @ ("VACUUM" | "ANALYZE" | "PRAGMA") => StepCheck::NotDone(format!(
            "{keyword} sets the same again when it runs twice: it runs again"
        )),
        _ => StepCheck::Unknown(
            "no check of its effect is known for this kind of statement".to_string(),
        ),
    }
}
