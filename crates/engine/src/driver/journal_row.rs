//! A step journal row read back, generic over sqlx's drivers (each reads the columns as
//! text): the one place a row becomes an entry or a refusal. Must not import a driver.

use crate::bookkeeping::{JOURNAL_COLUMNS, JournalEntry, journal_entry};
use crate::error::{Error, Result};

/// The entry in `row`, whose journal columns start at `first`, in `JOURNAL_COLUMNS`' order.
pub(crate) fn journal_row<R>(row: &R, first: usize) -> Result<JournalEntry>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    Option<String>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let texts = (first..first + JOURNAL_COLUMNS.len())
        .map(|i| row.try_get(i))
        .collect::<std::result::Result<Vec<Option<String>>, sqlx::Error>>()
        .map_err(|e| Error::database("cannot read the step journal", e))?;
    journal_entry(texts).map_err(|message| {
        Error::database(
            "cannot read the step journal",
            sqlx::Error::Decode(message.into()),
        )
    })
}
