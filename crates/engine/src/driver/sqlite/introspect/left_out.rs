//! What a SQLite database holds that the model does not carry, read in one query over
//! sqlite_master and the table-valued pragmas. Must not import the runner or autogenerate.

use sqlx::Row;
use sqlx::sqlite::SqliteConnection;

use crate::schema::model::LeftOut;

/// An index the model cannot hold as columns: over an expression, partial, descending or
/// collated (`m` its sqlite_master row, `il` its pragma_index_list row).
macro_rules! odd_index {
    () => {
        "(il.partial OR EXISTS (SELECT 1 FROM pragma_index_xinfo(m.name) x \
          WHERE x.key AND (x.cid = -2 OR x.desc OR x.coll <> 'BINARY')))"
    };
}
pub(super) use odd_index;

const LEFT_OUT: &str = concat!(
    "\
SELECT 'view', NULL, name, 'views are not carried' FROM sqlite_master WHERE type = 'view' \
UNION ALL SELECT 'trigger', tbl_name, name, 'triggers are not carried' FROM sqlite_master WHERE type = 'trigger' \
UNION ALL SELECT 'generated column', m.name, x.name, 'dropped' \
  FROM sqlite_master m JOIN pragma_table_xinfo(m.name) x \
 WHERE m.type = 'table' AND x.hidden IN (2, 3) \
UNION ALL SELECT 'table option', NULL, t.name, \
       CASE WHEN t.wr AND t.strict THEN 'WITHOUT ROWID and STRICT are not carried' \
            WHEN t.wr THEN 'WITHOUT ROWID is not carried' ELSE 'STRICT is not carried' END \
  FROM pragma_table_list t WHERE t.schema = 'main' AND t.type = 'table' AND (t.wr OR t.strict) \
UNION ALL SELECT 'index', m.tbl_name, m.name, 'dropped: an expression, WHERE, DESC or COLLATE is not carried' \
  FROM sqlite_master m JOIN pragma_index_list(m.tbl_name) il ON il.name = m.name \
 WHERE m.type = 'index' AND m.sql IS NOT NULL AND ",
    odd_index!()
);

/// The objects of the database that are not carried, except those of `ignored` tables.
pub async fn read(
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
