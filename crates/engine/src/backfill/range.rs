//! Where a job walks, taken when it first runs: the key checked (an integer column that holds
//! no NULL), the lowest key, the bound (the declaration's, or the highest key now, so that the
//! job ends under an insert storm), and the keys between as the estimate. Must not import the
//! runner.

use super::settings::Event;
use super::walk::{Walker, bigint, write};
use crate::bookkeeping::Job;
use crate::driver::Connection;
use crate::error::{BackfillError, Error, Result};

impl Walker<'_> {
    /// Takes the range: the lowest key, the bound, and the keys between as the estimate.
    pub(super) async fn start<F: FnMut(Event<'_>) + ?Sized>(
        &mut self,
        connection: &mut Connection,
        on_event: &mut F,
    ) -> Result<()> {
        let (table, key) = (&self.backfill.table, &self.backfill.key);
        let cast = bigint(connection.kind());
        let range =
            format!("SELECT CAST(min({key}) AS {cast}), CAST(max({key}) AS {cast}) FROM {table}");
        let key_error = |e: sqlx::Error| {
            Error::Backfill(BackfillError::Key {
                revision: self.revision.to_string(),
                table: table.to_string(),
                key: key.to_string(),
                message: crate::error::database_message(&e),
            })
        };
        let check = connection.key_check(table, key);
        if connection.numbers(&check, 1).await.map_err(key_error)?[0] != Some(1) {
            return Err(Error::Backfill(BackfillError::Key {
                revision: self.revision.to_string(),
                table: table.to_string(),
                key: key.to_string(),
                message: "the key must be an integer column that holds no NULL (declared NOT NULL, or the \
                          table's key): batches compare it as a number, and a NULL key is never walked"
                    .to_string(),
            }));
        }
        let [low, high] = connection.numbers(&range, 2).await.map_err(key_error)?[..] else {
            unreachable!("two columns asked for");
        };
        let owner = &self.settings.owner;
        let bound = self.backfill.upper_bound.or(high);
        let (Some(low), Some(bound)) = (low, bound) else {
            // An empty table: nothing to walk.
            connection
                .exec(&self.sql.start(self.revision, owner, 0, -1, Some(0)))
                .await
                .map_err(write)?;
            connection
                .exec(&self.sql.finish(self.revision, owner))
                .await
                .map_err(write)?;
            return Ok(());
        };
        // The range first, so that a runner that takes the lease while the count runs walks
        // the same range; the estimate, a full count, after.
        let started = connection
            .exec(&self.sql.start(self.revision, owner, low, bound, None))
            .await
            .map_err(write)?;
        if started != 1 {
            return Ok(()); // another runner took the job: the loop looks again
        }
        let count =
            format!("SELECT count(*) FROM {table} WHERE {key} >= {low} AND {key} <= {bound}");
        let estimate = connection.numbers(&count, 1).await.map_err(key_error)?[0].unwrap_or(0);
        connection
            .exec(&self.sql.estimate(
                self.revision,
                owner,
                estimate,
                self.settings.lease.as_millis() as u64,
            ))
            .await
            .map_err(write)?;
        let row = self.row(connection).await?;
        on_event(Event::Started(&Job::of_row(&row, table)));
        Ok(())
    }
}
