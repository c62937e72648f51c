//! One section of a file: the statements of `upgrade()` or `downgrade()` on one database, each
//! converted to SQL or left to do with its line, reason and Python; or the SQL Alembic's offline
//! mode rendered for it instead. Pure. Must not import the file system.

use aurora_migrate_core::{Database, Direction};

use super::context::Ctx;
use super::piece::Piece;
use super::python::{Function, Script};
use super::report::{By, Reason, Todo};
use super::statement::{Locals, Walk};

/// A section of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Which function of the script.
    pub direction: Direction,
    /// The database.
    pub database: Database,
    /// The line of its function in the script (1 when the script has none).
    pub line: usize,
    /// Its content.
    pub pieces: Vec<Piece>,
    /// Who wrote it.
    pub by: By,
    /// Whether its statements run outside a transaction, as in an `autocommit_block()`.
    pub outside_transaction: bool,
}

impl Section {
    /// Alembic's statements, in place of the static conversion.
    pub fn rendered(&mut self, statements: Vec<String>) {
        self.pieces = match statements.is_empty() {
            true => Vec::new(),
            false => vec![Piece::Sql(statements)],
        };
        self.by = By::Alembic;
    }

    /// The static conversion kept, under a line saying why Alembic's offline mode could not
    /// render it: at `line` of the script, else at the function's.
    pub fn fallback(&mut self, line: Option<usize>, todo: Todo) {
        let line = line.unwrap_or(self.line);
        self.pieces.insert(0, Piece::Fallback { line, todo });
        self.by = By::Static;
    }

    /// Why Alembic's offline mode could not render it, if it was asked to.
    pub fn fallback_reason(&self) -> Option<Reason> {
        self.pieces.iter().find_map(|p| match p {
            Piece::Fallback { todo, .. } => Some(todo.reason),
            _ => None,
        })
    }
}

/// The section of `function` (named `direction`) of `script` on the database of `ctx`; a script with
/// syntax errors has each of its sections left to do whole.
pub(super) fn section(
    direction: Direction,
    function: Option<&Function>,
    script: &Script,
    ctx: &Ctx,
) -> Section {
    let at = function.map_or(1, |f| f.line);
    let whole = |line: usize, todo: Todo, source: String| Section {
        direction,
        database: ctx.database,
        line: at,
        pieces: vec![Piece::Todo { line, todo, source }],
        by: By::Static,
        outside_transaction: false,
    };
    if let Some(error) = script.errors.first() {
        let todo = Todo::new(
            Reason::SyntaxError,
            format!(
                "the script is not valid Python (line {}: {}), so Alembic cannot run it either",
                error.line, error.what
            ),
        );
        let (line, source) =
            function.map_or((error.line, String::new()), |f| (f.line, f.source.clone()));
        return whole(line, todo, source);
    }
    let Some(function) = function else {
        return whole(
            1,
            Todo::new(
                Reason::NoFunction,
                format!("the script has no {direction}() function"),
            ),
            String::new(),
        );
    };
    if !function.decorators.is_empty() {
        let todo = Todo::new(
            Reason::Decorated,
            format!("{direction}() has a decorator, which may change what it runs"),
        );
        return whole(function.line, todo, function.source.clone());
    }
    let mut walk = Walk::new(*ctx, Locals::new(script, function, ctx.scope));
    walk.function(&function.body);
    Section {
        direction,
        database: ctx.database,
        line: at,
        pieces: walk.pieces,
        by: By::Static,
        outside_transaction: walk.outside_transaction,
    }
}
