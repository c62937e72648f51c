//! What a SQLite database holds that the model does not carry, read in one query: virtual
//! tables (their module's shadow tables come with them). Must not import the runner or
//! autogenerate.

use sqlx::Row;
use sqlx::sqlite::SqliteConnection;

use crate::schema::model::LeftOut;

const LEFT_OUT: &str = "\
SELECT 'virtual table', NULL, t.name, 'virtual tables (and their shadow tables) are not carried' \
  FROM pragma_table_list t WHERE t.schema = 'main' AND t.type = 'virtual'";

/// The objects of the database that are not carried, except those of `ignored` tables.
pub(super) async fn read(
    connection: &mut SqliteConnection,
    ignored: &crate::bookkeeping::Ours,
) -> Result<Vec<LeftOut>, sqlx::Error> {
    let rows = sqlx::query(LEFT_OUT).fetch_all(connection).await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let (kind, table, name, why): (String, Option<String>, String, String) =
                (row.get(0), row.get(1), row.get(2), row.get(3));
            let ours = ignored.contains(table.as_deref().unwrap_or(&name));
            (!ours).then(|| LeftOut::new(&kind, table.as_deref(), &name, &why))
        })
        .collect())
}
