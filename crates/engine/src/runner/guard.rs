//! The data-loss guard: before a downgrade runs, under the lock, judge its plan. A plan that
//! reverts every applied revision, or one of whose statements destroys data (`sql::effects`:
//! drops a table or a column, deletes, empties or overwrites rows, converts a column, of a
//! table that holds rows; takes objects along with a CASCADE; or cannot be judged at all), is
//! refused unless the caller confirmed it. Must not import the command line.

use super::Runner;
use super::prepared::Prepared;
use crate::driver::Connection;
use crate::error::{Error, Result};
use crate::sql::effects::{self, Loss};

impl Runner<'_> {
    /// Refuses `steps` when they would destroy data, naming each statement and why.
    pub(super) async fn refuse_data_loss(
        &self,
        connection: &mut Connection,
        applied: usize,
        steps: &[Prepared<'_>],
    ) -> Result<()> {
        let mut reasons = Vec::new();
        let reverted = steps.len();
        if reverted > 0 && reverted >= applied {
            reasons.push(format!(
                "it reverts every applied migration ({reverted}), down to base"
            ));
        }
        let database = self.kind();
        for step in steps {
            for statement in step.statements.iter() {
                for loss in effects::losses(&statement.text, database) {
                    let place = format!("{} ({}:{})", step.revision, step.origin, statement.line);
                    if let Some(reason) = judged(connection, &loss).await {
                        reasons.push(format!("{place} {loss}{reason}"));
                    }
                }
            }
        }
        if reasons.is_empty() {
            return Ok(());
        }
        Err(Error::DataLoss { reasons })
    }
}

/// Why `loss` destroys data here (what follows its description), or `None` when the database
/// shows it loses nothing: a table without rows, a type no column of a table with rows uses.
async fn judged(connection: &mut Connection, loss: &Loss) -> Option<String> {
    // A table that cannot be read is taken as holding rows: the guard errs on the side of
    // asking.
    let holds = async |connection: &mut Connection, table: &str| {
        connection.holds_rows(table).await.unwrap_or(true)
    };
    if let Some(table) = loss.table() {
        return holds(connection, &table.quoted())
            .await
            .then(|| ", which holds rows".to_string());
    }
    let Loss::TypeColumns { name, .. } = loss else {
        return Some(String::new());
    };
    let Ok(columns) = connection.columns_of_type(&name.quoted()).await else {
        return Some(String::new());
    };
    let mut holding = Vec::new();
    for (table, column) in columns {
        if holds(connection, &table).await {
            holding.push(format!("{table}.{column}"));
        }
    }
    (!holding.is_empty()).then(|| format!(": {}, which hold rows", holding.join(", ")))
}
