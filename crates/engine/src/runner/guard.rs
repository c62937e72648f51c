//! The data-loss guard: before a downgrade runs, under the lock, judge its plan. A plan that
//! reverts every applied revision, or whose statements drop a table or a column of a table
//! that holds rows (or empty one), is refused unless the caller confirmed it. Must not import
//! the command line.

use super::Runner;
use super::prepared::Prepared;
use crate::driver::Connection;
use crate::error::{Error, Result};
use crate::sql::effects::{self, Removal};
use crate::sql::quote_path;

impl Runner<'_> {
    /// Refuses `steps` when they would destroy data, naming each reason.
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
        for step in steps {
            for statement in step.statements.iter() {
                for removal in effects::removals(&statement.text) {
                    let holds = match removal.table() {
                        // A table that cannot be read is taken as holding rows: the guard errs
                        // on the side of asking.
                        Some(table) => connection
                            .holds_rows(&quote_path(table))
                            .await
                            .unwrap_or(true),
                        None => true,
                    };
                    if holds {
                        let rows = match removal {
                            Removal::Uncountable(_) => "",
                            _ => ", which holds rows",
                        };
                        reasons.push(format!(
                            "{} ({}:{}) {removal}{rows}",
                            step.revision, step.origin, statement.line
                        ));
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
