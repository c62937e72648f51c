//! Test support: a script around an `upgrade()` body, converted for one database, its
//! statements or the reasons of its lines left to do. Must not import the file system.

use aurora_migrate_core::Database;

use super::naming::Convention;
use super::piece::Piece;
use super::typemap::TypeMap;
use super::{Options, Reason, convert, facts, python};

/// The upgrade of a script whose module holds `head` (after `import enum`, `from alembic import
/// op`, `import sqlalchemy as sa`, `from sqlalchemy.dialects import postgresql`) and whose
/// `upgrade()` is `body`: its statements on `database`, or the reasons of its lines left to do.
pub(super) fn upgrade_with(
    head: &str,
    body: &str,
    database: Database,
    naming: &Convention,
) -> Result<Vec<String>, Vec<Reason>> {
    upgrade_typed(head, body, database, naming, &TypeMap::default())
}

/// [`upgrade_with`] with the project's types.
pub(super) fn upgrade_typed(
    head: &str,
    body: &str,
    database: Database,
    naming: &Convention,
    types: &TypeMap,
) -> Result<Vec<String>, Vec<Reason>> {
    let body: String = body.lines().map(|l| format!("    {l}\n")).collect();
    let text = format!(
        "\"\"\"x\"\"\"\nimport enum\nfrom alembic import op\nimport sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql\n{head}\n\nrevision = \"ab12\"\ndown_revision = None\n\ndef upgrade():\n{body}\n\ndef downgrade():\n    pass\n"
    );
    let script = python::read(&text).unwrap();
    let node = facts::node("x.py", &script).unwrap();
    let options = Options {
        databases: vec![database],
        types: types.clone(),
        ..Options::default()
    };
    let converted = convert("x.py", &script, &node, &options, naming).unwrap();
    let pieces = &converted.sections[0].pieces;
    let todos: Vec<Reason> = pieces
        .iter()
        .filter_map(|p| p.todo().map(|(_, t)| t.reason))
        .collect();
    if !todos.is_empty() {
        return Err(todos);
    }
    Ok(pieces
        .iter()
        .flat_map(|p| match p {
            Piece::Sql(statements) => statements.clone(),
            _ => Vec::new(),
        })
        .collect())
}

/// [`upgrade_with`] with nothing more in the module and SQLAlchemy's default convention.
pub(super) fn upgrade(body: &str, database: Database) -> Result<Vec<String>, Vec<Reason>> {
    upgrade_with("", body, database, &Convention::default())
}

/// The one statement `body` makes on `database`.
pub(super) fn one(body: &str, database: Database) -> String {
    let statements = upgrade(body, database).unwrap_or_else(|r| panic!("{body}: {r:?}"));
    assert_eq!(statements.len(), 1, "{body}: {statements:#?}");
    statements[0].clone()
}

/// `CREATE TABLE t (...)` with these lines, as the converter lays it out.
pub(super) fn table(columns: &[&str]) -> String {
    format!("CREATE TABLE t (\n    {}\n)", columns.join(",\n    "))
}
