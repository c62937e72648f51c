//! One statement on whichever driver a connection holds, through the simple query protocol:
//! the rows it changed, or the first row's numbers. What the lease, the backfills and their
//! bookkeeping send. Must not import the runner.

use super::Connection;

impl Connection {
    /// Runs `sql` (one statement or several); returns the rows it changed.
    pub(crate) async fn exec(&mut self, sql: &str) -> std::result::Result<u64, sqlx::Error> {
        let query = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()));
        Ok(dispatch!(self, c => query.execute(c.raw()).await?.rows_affected()))
    }

    /// The first row's first `count` columns, as numbers (a missing row reads as NULLs).
    pub(crate) async fn numbers(
        &mut self,
        sql: &str,
        count: usize,
    ) -> std::result::Result<Vec<Option<i64>>, sqlx::Error> {
        let query = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()));
        dispatch!(self, c => match query.fetch_optional(c.raw()).await? {
            Some(row) => (0..count).map(|i| sqlx::Row::try_get::<Option<i64>, _>(&row, i)).collect(),
            None => Ok(vec![None; count]),
        })
    }
}
