//! The text of an imported file: its header (the revision facts, the message, the date, and
//! `Transaction: none` where Alembic's SQL leaves the transaction) and its sections, each line
//! left to do written as a `-- migrate:todo` line above its Python (or above the static
//! conversion Alembic's offline mode fell back to); and where those lines land. Pure. Must not
//! import the file system.

use aurora_migrate_core::revision::Node;

use super::piece::Piece;
use super::section::Section;

/// The file's header lines.
pub(super) fn header(node: &Node, message: &str, date: Option<&str>, script: &str) -> String {
    let mut header = vec![
        format!("-- {message}"),
        "--".to_string(),
        format!("-- Revision ID: {}", node.id),
        format!("-- Revises: {}", node.parents.join(", ")),
    ];
    if !node.branch_labels.is_empty() {
        header.push(format!(
            "-- Branch Labels: {}",
            node.branch_labels.join(", ")
        ));
    }
    if !node.depends_on.is_empty() {
        header.push(format!("-- Depends On: {}", node.depends_on.join(", ")));
    }
    if let Some(date) = date {
        header.push(format!("-- Create Date: {date}"));
    }
    header.push(format!("-- Imported from Alembic's {script}."));
    let mut text = header.join("\n");
    text.push('\n');
    text
}

/// `header` with `Transaction: none`, above its last line (the script it was imported from):
/// the migration runs outside a transaction, as Alembic's `autocommit_block()` does.
pub(super) fn outside_transaction(header: &str) -> String {
    if header.contains("\n-- Transaction: none\n") {
        return header.to_string();
    }
    let body = header.strip_suffix('\n').unwrap_or(header);
    match body.rsplit_once('\n') {
        Some((above, last)) => format!("{above}\n-- Transaction: none\n{last}\n"),
        None => format!("{body}\n-- Transaction: none\n"),
    }
}

/// The whole text, and for each piece left to do (in order) its line in the text.
pub(super) fn render(header: &str, sections: &[Section]) -> (String, Vec<usize>) {
    let mut text = header.to_string();
    let mut lines = Vec::new();
    for section in sections {
        text.push_str(&format!(
            "\n-- migrate:{} {}\n",
            section.direction,
            section.database.name()
        ));
        for piece in &section.pieces {
            match piece {
                Piece::Sql(statements) => {
                    for statement in statements {
                        text.push_str(statement);
                        text.push_str(";\n");
                    }
                }
                Piece::Todo { line, todo, source } => {
                    lines.push(text.lines().count() + 1);
                    text.push_str(&format!(
                        "-- migrate:todo line {line}: {}; write its SQL here, then delete this line\n",
                        todo.what.replace(['\n', '\r'], " ")
                    ));
                    for source in source.lines() {
                        text.push_str(&format!("--     {source}\n"));
                    }
                }
                Piece::Fallback { line, todo } => {
                    lines.push(text.lines().count() + 1);
                    text.push_str(&format!(
                        "-- migrate:todo line {line}: {}; converted statically below: check it, then delete this line\n",
                        todo.what.replace(['\n', '\r'], " ")
                    ));
                }
            }
        }
    }
    (text, lines)
}
