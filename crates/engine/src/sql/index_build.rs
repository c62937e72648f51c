//! The index a `CREATE INDEX CONCURRENTLY` builds, named as the database will find it. A
//! concurrent build that fails or is cancelled leaves its index behind, INVALID: no query uses
//! it, every write still maintains it, and `IF NOT EXISTS` takes it for done. Knowing the name
//! lets the runner look before and after. Pure: must not import the drivers or the runner.

use sqlparser::ast::Statement;

use super::reading::{self, Reading};
use aurora_migrate_core::Database;

/// The index that `text` builds concurrently on PostgreSQL, as SQL (each part as written,
/// quotes kept), in the schema of its table when its own name has none; `None` for any other
/// statement, and for an index without a name (the server picks one, which cannot be known
/// before).
pub(crate) fn concurrent_index(text: &str) -> Option<String> {
    let Reading::Parsed { statements, .. } = reading::read(text, Database::Postgres) else {
        return None;
    };
    let [Statement::CreateIndex(create)] = statements.as_slice() else {
        return None;
    };
    if !create.concurrently {
        return None;
    }
    let name = create.name.as_ref()?;
    let table = &create.table_name.0;
    // An index lives in its table's schema: an unqualified name is not looked up along the
    // search path but beside the table.
    let qualified = match (name.0.as_slice(), table.as_slice()) {
        ([index], [.., schema, _]) => format!("{schema}.{index}"),
        _ => name.to_string(),
    };
    Some(qualified)
}

#[cfg(test)]
mod tests;
