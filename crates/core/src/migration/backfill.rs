//! A revision's backfill as data: the table, its integer key, the change each batch makes,
//! and how long a batch should take. Written once per database variant, like a section.
//! Must not import the parser.

use super::Text;
use crate::database::Database;
use crate::source::BackfillText;

/// A data change a revision makes in batches along the key, after its upgrade has run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backfill {
    /// `None` for the declaration that serves every database without one of its own.
    pub database: Option<Database>,
    /// The marker's line in the file, for diagnostics.
    pub line: usize,
    /// The table it changes (`table` or `schema.table`).
    pub table: Text,
    /// Its integer key column.
    pub key: Text,
    /// The assignments of the `UPDATE`.
    pub set: Text,
    /// Which rows of a batch it changes; `None`: all.
    pub filter: Option<Text>,
    /// What one batch should take, in milliseconds.
    pub batch_millis: u64,
    /// The highest key it changes; `None`: the highest when it starts.
    pub upper_bound: Option<i64>,
}

impl Backfill {
    pub(super) fn of_text(text: &BackfillText) -> Backfill {
        Backfill {
            database: text.dialect,
            line: text.marker_line,
            table: Text::Owned(text.table.clone()),
            key: Text::Owned(text.key.clone()),
            set: Text::Owned(text.set.clone()),
            filter: text.filter.clone().map(Text::Owned),
            batch_millis: text.batch_millis,
            upper_bound: text.upper_bound,
        }
    }
}
