//! What an import did, as data: each line left to do with its reason from a small stable
//! vocabulary ([`Reason`]), each script converted or not, the files that are not revisions,
//! and the summary the command prints and returns as JSON. Pure. Must not import the file
//! system.

use std::path::PathBuf;

use aurora_migrate_core::Database;

/// Why a statement was left to do: a stable vocabulary, so runs can be counted and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// The script is not valid Python: Alembic could not run it either.
    SyntaxError,
    /// The script has no `upgrade()` or `downgrade()`.
    NoFunction,
    /// `upgrade()` or `downgrade()` has a decorator, which may change what it does.
    Decorated,
    /// `with op.batch_alter_table(...)`.
    BatchAlterTable,
    /// `with op.get_context().autocommit_block()`.
    AutocommitBlock,
    /// An `if` on the database's dialect (or on anything else the script reads at run time).
    Branch,
    /// Any other Python statement: an assignment, a loop, a call of something not `op`.
    PythonStatement,
    /// An `op` call whose arguments are computed (variables, f-strings, expressions).
    ComputedArgument,
    /// An `op` function this importer does not convert.
    OpNotConverted,
    /// An argument or option of a call this importer does not convert.
    OptionNotConverted,
    /// A column type neither SQLAlchemy's nor in the type map.
    UnknownType,
    /// What the database cannot do in one statement (SQLite's table rebuild, MySQL's MODIFY).
    DialectLimit,
    /// A name the naming convention cannot make, or a name longer than the database allows.
    Name,
    /// A statement too long to read safely.
    TooLong,
}

impl Reason {
    /// Every reason, in the order reports list them.
    pub const ALL: [Reason; 14] = [
        Reason::SyntaxError,
        Reason::NoFunction,
        Reason::Decorated,
        Reason::BatchAlterTable,
        Reason::AutocommitBlock,
        Reason::Branch,
        Reason::PythonStatement,
        Reason::ComputedArgument,
        Reason::OpNotConverted,
        Reason::OptionNotConverted,
        Reason::UnknownType,
        Reason::DialectLimit,
        Reason::Name,
        Reason::TooLong,
    ];

    /// Its stable code.
    pub fn code(self) -> &'static str {
        match self {
            Reason::SyntaxError => "syntax_error",
            Reason::NoFunction => "no_function",
            Reason::Decorated => "decorated_function",
            Reason::BatchAlterTable => "batch_alter_table",
            Reason::AutocommitBlock => "autocommit_block",
            Reason::Branch => "branch",
            Reason::PythonStatement => "python_statement",
            Reason::ComputedArgument => "computed_argument",
            Reason::OpNotConverted => "op_not_converted",
            Reason::OptionNotConverted => "option_not_converted",
            Reason::UnknownType => "unknown_type",
            Reason::DialectLimit => "dialect_limit",
            Reason::Name => "name",
            Reason::TooLong => "too_long",
        }
    }
}

/// Why one statement is not converted: the reason and the words for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Todo {
    /// The reason.
    pub reason: Reason,
    /// What exactly, for the user.
    pub what: String,
}

impl Todo {
    /// A statement left to do for `reason`.
    pub fn new(reason: Reason, what: impl Into<String>) -> Todo {
        Todo {
            reason,
            what: what.into(),
        }
    }
}

/// A line left to do in a written file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TodoLine {
    /// The file written.
    pub file: PathBuf,
    /// Its line in that file.
    pub line: usize,
    /// The line of the statement in the script.
    pub script_line: usize,
    /// `upgrade` or `downgrade`.
    pub direction: &'static str,
    /// The database of the section.
    pub database: Database,
    /// Why.
    pub reason: Reason,
    /// What, for the user.
    pub what: String,
}

/// One script's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptReport {
    /// The script's file name.
    pub script: String,
    /// Its revision.
    pub revision: String,
    /// The file written for it.
    pub file: PathBuf,
    /// Its lines left to do, in file order.
    pub todos: Vec<TodoLine>,
}

/// A file of the versions directory that is not a revision, skipped as Alembic skips it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file name.
    pub file: String,
    /// Why it is not a revision.
    pub why: String,
}

/// What an import wrote and left to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The files written, in the graph's order.
    pub files: Vec<PathBuf>,
    /// The operations left to the user: file, line, and what.
    pub todos: Vec<(PathBuf, usize, String)>,
    /// Each script, in the graph's order.
    pub scripts: Vec<ScriptReport>,
    /// The files that are not revisions.
    pub skipped: Vec<Skipped>,
    /// Things the user should know that are not lines to do (a naming convention not read).
    pub notes: Vec<String>,
}

impl Imported {
    /// The scripts with nothing left to do.
    pub fn todo_free(&self) -> usize {
        self.scripts.iter().filter(|s| s.todos.is_empty()).count()
    }

    /// The lines left to do, by reason, in [`Reason::ALL`]'s order, leaving out zeros.
    pub fn by_reason(&self) -> Vec<(Reason, usize)> {
        Reason::ALL
            .iter()
            .map(|&reason| {
                let count = self
                    .scripts
                    .iter()
                    .flat_map(|s| &s.todos)
                    .filter(|t| t.reason == reason)
                    .count();
                (reason, count)
            })
            .filter(|(_, count)| *count > 0)
            .collect()
    }
}
