//! One piece of a converted section: SQL, a statement left to do, or offline mode's fallback.
//! Data only, below both the section and the statements that make pieces. Must not import the
//! rest of the importer but its report.

use super::report::Todo;

/// What a section holds, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// SQL statements, each written with a `;`.
    Sql(Vec<String>),
    /// A statement left to do.
    Todo {
        /// Its line in the script.
        line: usize,
        /// Why.
        todo: Todo,
        /// Its Python, shown under the line.
        source: String,
    },
    /// Alembic's offline mode could not render the section, which the static converter wrote:
    /// a line left to do above that conversion, which the user checks.
    Fallback {
        /// The line of the script where offline mode failed, else that of the function.
        line: usize,
        /// Why (one of [`super::report::Reason::FALLBACK`]).
        todo: Todo,
    },
}

impl Piece {
    /// The line of the script and the reason of a piece left to do.
    pub fn todo(&self) -> Option<(usize, &Todo)> {
        match self {
            Piece::Sql(_) => None,
            Piece::Todo { line, todo, .. } | Piece::Fallback { line, todo } => Some((*line, todo)),
        }
    }
}
