//! The index a `CREATE INDEX CONCURRENTLY` builds, named as the database will find it. A
//! concurrent build that fails or is cancelled leaves its index behind, INVALID: no query uses
//! it, every write still maintains it, and `IF NOT EXISTS` takes it for done. Knowing the name
//! lets the runner look before and after; and the index a `DROP INDEX CONCURRENTLY` drops, which
//! a stopped run checks for. Pure: must not import the drivers or the runner.

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

/// The index that `text` drops concurrently on PostgreSQL (`DROP INDEX CONCURRENTLY [IF
/// EXISTS] name`), as written; `None` for any other statement, and for several names at once.
pub(crate) fn concurrent_drop(text: &str) -> Option<String> {
    let text = super::without_leading_comments(text)
        .trim_end()
        .trim_end_matches(';');
    let words: Vec<&str> = text.split_whitespace().collect();
    let is = |word: &str, keyword: &str| word.eq_ignore_ascii_case(keyword);
    let rest = match words.as_slice() {
        [drop, index, concurrently, rest @ ..]
            if is(drop, "DROP") && is(index, "INDEX") && is(concurrently, "CONCURRENTLY") =>
        {
            rest
        }
        _ => return None,
    };
    let rest = match rest {
        [if_, exists, rest @ ..] if is(if_, "IF") && is(exists, "EXISTS") => rest,
        rest => rest,
    };
    match rest {
        [name] if !name.contains(',') => Some(name.to_string()),
        [name, behaviour] if !name.contains(',') && is(behaviour, "RESTRICT") => {
            Some(name.to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
