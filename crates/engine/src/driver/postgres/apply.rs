//! Applying a step on PostgreSQL: a transactional step as one message, several pipelined in one,
//! a `Transaction: none` step statement by statement; a failure located at its statement and
//! line. Must not import the runner.

use sqlx::postgres::{PgDatabaseError, PgErrorPosition};
use sqlx::{AssertSqlSafe, ConnectOptions};

use super::lock::blockers;
use super::{Postgres, script};
use crate::bookkeeping::Elapsed;
use crate::driver::{Failure, Work, database_message, execute, run_batch};
use crate::sql::index_build::concurrent_index;

impl Postgres {
    pub(crate) async fn apply(&mut self, work: &Work<'_>) -> std::result::Result<(), Failure> {
        if !work.transaction.transactional {
            return self.apply_alone(work).await;
        }
        // One message: the server runs it statement by statement and stops at the first error,
        // after one CommandComplete per statement that succeeded.
        let script::Batch {
            text: batch,
            starts,
            leading,
            ..
        } = script::step(work);
        let probe = self.blocker_probe(work);
        let (completed, failure) = run_batch(self.connection.get(), batch).await;
        let Some(error) = failure else {
            if let Some(probe) = probe {
                probe.abort();
            }
            return Ok(());
        };
        let _ = execute(self.connection.get(), "ROLLBACK").await;
        // The first completions are BEGIN (or the mark) and the lock timeout.
        let index = completed.saturating_sub(leading);
        let (statement, line_offset) = match position(&error) {
            Some(at) => locate(work, &starts, at),
            None => ((index < work.statements.len()).then_some(index), 0),
        };
        let lock_timeout = is_lock_timeout(&error);
        let holder = match (probe, lock_timeout) {
            (Some(probe), true) => probe.await.ok().flatten(),
            (Some(probe), false) => {
                probe.abort();
                None
            }
            (None, _) => None,
        };
        Err(Failure {
            statement,
            line_offset,
            message: database_message(&error),
            interrupted: false,
            lock_timeout,
            holder,
            attempts: 1,
            nothing_kept: false,
        })
    }

    /// Several transactional steps in one message: each `BEGIN; ...; COMMIT` commits by itself,
    /// and the server runs nothing of the message after a statement that failed. On failure the
    /// open transaction is rolled back, and the answer is how many steps committed.
    pub(crate) async fn apply_group(
        &mut self,
        works: &[Work<'_>],
    ) -> std::result::Result<(), usize> {
        let batches: Vec<script::Batch> = works.iter().map(script::step).collect();
        let mut text = String::new();
        for batch in &batches {
            text.push_str(&batch.text);
            text.push_str(";\n");
        }
        let (completed, failure) = run_batch(self.connection.get(), text).await;
        if failure.is_none() {
            return Ok(());
        }
        let _ = execute(self.connection.get(), "ROLLBACK").await;
        let mut counted = 0;
        let committed = batches
            .iter()
            .take_while(|batch| {
                counted += batch.completions;
                counted <= completed
            })
            .count();
        Err(committed)
    }

    /// On the last attempt, a second connection looks, halfway through the lock timeout, at
    /// who blocks this one (`pg_blocking_pids`), so that the failure can name them.
    fn blocker_probe(&self, work: &Work<'_>) -> Option<tokio::task::JoinHandle<Option<String>>> {
        let (timeout, pid) = (work.lock_timeout?, self.pid?);
        if !work.final_attempt {
            return None;
        }
        let options = self.options.clone();
        let halfway = tokio::time::Instant::now() + timeout / 2;
        Some(tokio::spawn(async move {
            // Connected first, so that the look falls inside the wait however slow that is.
            let mut connection = options.connect().await.ok()?;
            tokio::time::sleep_until(halfway).await;
            let found = blockers(&mut connection, pid).await;
            let _ = sqlx::Connection::close(connection).await;
            found
        }))
    }

    /// `Transaction: none`: each statement alone (CONCURRENTLY refuses a multi-statement
    /// message), with its journal row, then the bookkeeping in its own transaction.
    async fn apply_alone(&mut self, work: &Work<'_>) -> std::result::Result<(), Failure> {
        let started = std::time::Instant::now();
        for (index, statement) in work.statements.iter().enumerate() {
            if let Some(timeout) = work.lock_timeout {
                // CONCURRENTLY waits out other transactions, and a timeout in that wait would
                // leave an invalid index behind: it waits as long as it takes.
                let concurrently = statement.text.to_ascii_uppercase().contains("CONCURRENTLY");
                let ms = if concurrently {
                    0
                } else {
                    timeout.as_millis().max(1)
                };
                let set = format!("SET lock_timeout = '{ms}ms'");
                if let Err(e) = execute(self.connection.get(), &set).await {
                    return Err(Failure::new(Some(index), database_message(&e)));
                }
            }
            let building = concurrent_index(&statement.text);
            let mut result = match &building {
                Some(name) => self
                    .drop_invalid_index(name)
                    .await
                    .map_err(|message| Failure::new(None, message)),
                None => Ok(()),
            };
            if result.is_ok() {
                result = match &work.journal {
                    Some(journal) => {
                        self.run_journaled(journal, index, &statement.text, building.as_deref())
                            .await
                    }
                    None => self.run_bare(&statement.text, building.as_deref()).await,
                };
            }
            if let Err(failure) = result {
                let _ = execute(self.connection.get(), "SET lock_timeout = DEFAULT").await;
                return Err(Failure {
                    statement: Some(index),
                    ..failure
                });
            }
        }
        if work.lock_timeout.is_some() {
            let _ = execute(self.connection.get(), "SET lock_timeout = DEFAULT").await;
        }
        let bookkeeping = (work.bookkeeping)(Elapsed::Millis(started.elapsed().as_millis()));
        self.run_in_transaction(&bookkeeping)
            .await
            .map_err(|e| Failure::new(None, e.to_string()))
    }

    /// One statement with no journal row: a step that keeps none.
    async fn run_bare(
        &mut self,
        text: &str,
        building: Option<&str>,
    ) -> std::result::Result<(), Failure> {
        if let Err(e) = sqlx::raw_sql(AssertSqlSafe(text.to_string()))
            .execute(self.connection.get())
            .await
        {
            return Err(self.statement_failure(&e, text, 0, building).await);
        }
        match building {
            Some(name) => self
                .require_valid_index(name)
                .await
                .map_err(|message| Failure::new(None, message)),
            None => Ok(()),
        }
    }

    /// What a statement's error says, located in its text (`prefix` characters of the message
    /// came before it), with the INVALID index a failed concurrent build left.
    pub(super) async fn statement_failure(
        &mut self,
        error: &sqlx::Error,
        text: &str,
        prefix: usize,
        building: Option<&str>,
    ) -> Failure {
        let line_offset = match position(error) {
            Some(at) => newlines_before(text, at.saturating_sub(prefix)),
            None => 0,
        };
        let mut message = database_message(error);
        if let Some(name) = building {
            message.extend(self.left_invalid(name).await);
        }
        Failure {
            line_offset,
            lock_timeout: is_lock_timeout(error),
            ..Failure::new(None, message)
        }
    }
}

/// PostgreSQL's `lock_not_available`: a lock timeout ran out.
fn is_lock_timeout(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "55P03")
}

/// The 0-based character position the server gave for the error, if any.
fn position(error: &sqlx::Error) -> Option<usize> {
    let db = error
        .as_database_error()?
        .try_downcast_ref::<PgDatabaseError>()?;
    match db.position()? {
        PgErrorPosition::Original(at) => Some(at.saturating_sub(1)),
        PgErrorPosition::Internal { .. } => None,
    }
}

fn locate(work: &Work<'_>, starts: &[usize], at: usize) -> (Option<usize>, usize) {
    match starts.iter().rposition(|&start| start <= at) {
        Some(index) => (
            Some(index),
            newlines_before(&work.statements[index].text, at - starts[index]),
        ),
        None => (None, 0),
    }
}

fn newlines_before(text: &str, chars: usize) -> usize {
    text.chars().take(chars).filter(|&c| c == '\n').count()
}
