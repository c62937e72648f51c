//! Sending SQL the way every driver does: a multi-statement batch run until its first error,
//! a transaction around bookkeeping, and the database's own message for a failure. Generic
//! over sqlx's drivers: must not import one.

use crate::error::Result;

/// Runs `sql` (one statement or several) and discards what it returns.
pub(crate) async fn execute<C, DB>(connection: &mut C, sql: &str) -> Result<(), sqlx::Error>
where
    for<'e> &'e mut C: sqlx::Executor<'e, Database = DB>,
    DB: sqlx::Database,
{
    match run_batch(connection, sql.to_string()).await {
        (_, Some(error)) => Err(error),
        (_, None) => Ok(()),
    }
}

/// Runs `statements` in one transaction, opened by `begin`, in one batch; on error it rolls
/// back and nothing of them stays.
pub(crate) async fn run_in_transaction<C, DB>(
    connection: &mut C,
    begin: &str,
    statements: &[String],
) -> Result<()>
where
    for<'e> &'e mut C: sqlx::Executor<'e, Database = DB>,
    DB: sqlx::Database,
{
    let mut batch = format!("{begin};\n");
    for statement in statements {
        batch.push_str(statement);
        batch.push_str(";\n");
    }
    batch.push_str("COMMIT");
    if let (_, Some(e)) = run_batch(&mut *connection, batch).await {
        let _ = execute(connection, "ROLLBACK").await;
        return Err(crate::error::Error::database(
            "cannot write the version table",
            e,
        ));
    }
    Ok(())
}

/// Sends a multi-statement batch, which the database runs in order until the first error.
/// Returns how many statements completed (one result each) and the error that stopped it.
pub(crate) async fn run_batch<'c, E, DB>(executor: E, batch: String) -> (usize, Option<sqlx::Error>)
where
    E: sqlx::Executor<'c, Database = DB>,
    DB: sqlx::Database,
{
    use futures_util::StreamExt;
    let mut completed = 0usize;
    let mut results = sqlx::raw_sql(sqlx::AssertSqlSafe(batch)).execute_many(executor);
    while let Some(result) = results.next().await {
        match result {
            Ok(_) => completed += 1,
            Err(e) => return (completed, Some(e)),
        }
    }
    (completed, None)
}
