//! A statement of a `Transaction: none` migration with its row in the step journal: in one
//! transaction with its `done` row where the statement allows a transaction, so that it runs
//! exactly once; otherwise between a `started` row and a `done` row, and a later run checks
//! what a statement left `started` did. Must not import the runner.

use sqlx::{AssertSqlSafe, Row};

use super::Postgres;
use crate::bookkeeping::statement_hash;
use crate::driver::{Failure, Journaling, StepCheck, database_message, execute};
use crate::sql::index_build::{concurrent_drop, concurrent_index};
use crate::sql::{first_keyword, literal, terminated};
use aurora_migrate_core::Database;

/// Sent before the statement in its transaction's message; its length locates an error.
const OPENING: &str = "BEGIN;\n";

impl Postgres {
    pub(super) async fn run_journaled(
        &mut self,
        journal: &Journaling<'_>,
        index: usize,
        text: &str,
        building: Option<&str>,
    ) -> std::result::Result<(), Failure> {
        let key = journal.key(index);
        let hash = statement_hash(text);
        let (tables, who) = (journal.tables, journal.who);
        let failed =
            |message: &str| tables.journal_failed(Database::Postgres, key, &hash, who, message);
        if building.is_none() {
            // The statement and its `done` row in one message and one transaction.
            let done = tables.journal_done(Database::Postgres, key, &hash, who);
            let message = format!("{OPENING}{}{done};\nCOMMIT", terminated(text));
            match sqlx::raw_sql(AssertSqlSafe(message))
                .execute(self.connection.get())
                .await
            {
                Ok(_) => return Ok(()),
                // VACUUM, CONCURRENTLY, CREATE DATABASE...: refused before they do anything.
                Err(e) if refuses_transaction(&e) => {
                    let _ = execute(self.connection.get(), "ROLLBACK").await;
                }
                Err(e) => {
                    let _ = execute(self.connection.get(), "ROLLBACK").await;
                    let failure = self
                        .statement_failure(&e, text, OPENING.chars().count(), None)
                        .await;
                    let _ = execute(self.connection.get(), &failed(&failure.message)).await;
                    return Err(failure);
                }
            }
        }
        let started = tables.journal_started(Database::Postgres, key, &hash, who);
        if let Err(e) = execute(self.connection.get(), &started).await {
            return Err(Failure::new(
                None,
                format!(
                    "cannot record the statement's start in the step journal: {}",
                    database_message(&e)
                ),
            ));
        }
        if let Err(e) = sqlx::raw_sql(AssertSqlSafe(text.to_string()))
            .execute(self.connection.get())
            .await
        {
            let failure = self.statement_failure(&e, text, 0, building).await;
            let _ = execute(self.connection.get(), &failed(&failure.message)).await;
            return Err(failure);
        }
        if let Some(name) = building
            && let Err(message) = self.require_valid_index(name).await
        {
            let _ = execute(self.connection.get(), &failed(&message)).await;
            return Err(Failure::new(None, message));
        }
        let done = tables.journal_done(Database::Postgres, key, &hash, who);
        execute(self.connection.get(), &done).await.map_err(|e| {
            Failure::new(
                None,
                format!(
                    "the statement ran, but its row in the step journal could not be written ({}): \
                     the next run checks whether it took effect before going on",
                    database_message(&e)
                ),
            )
        })
    }

    /// What a statement left `started` did, judged by the catalog.
    pub(crate) async fn check_step(&mut self, text: &str) -> Result<StepCheck, sqlx::Error> {
        if let Some(name) = concurrent_index(text) {
            let sql = format!(
                "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass({})",
                literal(&name)
            );
            let valid: Option<bool> = sqlx::raw_sql(AssertSqlSafe(sql))
                .fetch_optional(self.connection.get())
                .await?
                .map(|row| row.get(0));
            return Ok(match valid {
                Some(true) => StepCheck::Done(format!("the index {name} exists and is valid")),
                Some(false) => StepCheck::NotDone(format!(
                    "the index {name} is INVALID: it is dropped and built again"
                )),
                None => StepCheck::NotDone(format!("the index {name} does not exist")),
            });
        }
        if let Some(name) = concurrent_drop(text) {
            let sql = format!("SELECT to_regclass({}) IS NULL", literal(&name));
            let gone: bool = sqlx::raw_sql(AssertSqlSafe(sql))
                .fetch_one(self.connection.get())
                .await?
                .get(0);
            return Ok(match gone {
                true => StepCheck::Done(format!("the index {name} is gone")),
                false => StepCheck::NotDone(format!(
                    "the index {name} is still there: it is dropped again"
                )),
            });
        }
        Ok(rerunnable(text).map_or_else(
            || {
                StepCheck::Unknown(
                    "no check of its effect is known for this kind of statement".to_string(),
                )
            },
            StepCheck::NotDone,
        ))
    }
}

/// A statement whose second run does no harm: it runs again rather than being checked.
fn rerunnable(text: &str) -> Option<String> {
    let first = first_keyword(text);
    matches!(first.as_str(), "VACUUM" | "ANALYZE" | "ANALYSE")
        .then(|| format!("{first} changes no schema and no row: it runs again"))
}

/// `active_sql_transaction` (25001): the statement cannot run in a transaction block.
fn refuses_transaction(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "25001")
}
