//! What an import did, as data: each line left to do with its reason from a small stable
//! vocabulary ([`Reason`]), each script converted or not and each of its sections written by
//! Alembic or by the static converter, the files that are not revisions, and the summary the
//! command prints and returns as JSON. Pure. Must not import the file system.

use std::path::PathBuf;

use aurora_migrate_core::{Database, Direction};

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
    /// Alembic's offline mode could not render the section: the project's Python cannot import
    /// the script (a module it imports is not installed, an error at import).
    AlembicCannotLoad,
    /// Alembic's offline mode could not render the section: the script uses what the database
    /// would answer (a statement's result, an inspection of the bind).
    ReadsDatabase,
    /// Alembic's offline mode could not render the section: the script asks whether it runs
    /// offline (`is_offline_mode()`, `as_sql`), and may do otherwise on a database.
    AsksOfflineMode,
    /// Alembic's offline mode could not render the section: a statement on the bind with
    /// parameters that are not `sa.text()`'s cannot have them bound.
    UnboundParameters,
    /// Alembic's offline mode could not render the section: a SQLite batch copies its table as
    /// an earlier revision leaves it, and that revision could not be rendered.
    BatchReflection,
    /// Alembic's offline mode could not render the section: the script raised an error there.
    OfflineError,
    /// Alembic's offline mode could not render the section: the project's `env.py` failed.
    EnvError,
    /// Alembic did not render the script: it did not load it as a revision.
    NotRendered,
    /// Alembic's offline mode rendered the `mysql` section differently with SQLAlchemy's MySQL
    /// and MariaDB dialects, and one section serves both servers.
    MysqlMariadbDiffer,
}

impl Reason {
    /// Every reason, in the order reports list them.
    pub const ALL: [Reason; 23] = [
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
        Reason::AlembicCannotLoad,
        Reason::ReadsDatabase,
        Reason::AsksOfflineMode,
        Reason::UnboundParameters,
        Reason::BatchReflection,
        Reason::OfflineError,
        Reason::EnvError,
        Reason::NotRendered,
        Reason::MysqlMariadbDiffer,
    ];

    /// The reasons a section Alembic's offline mode could not render falls back to the static
    /// converter.
    pub const FALLBACK: [Reason; 9] = [
        Reason::AlembicCannotLoad,
        Reason::ReadsDatabase,
        Reason::AsksOfflineMode,
        Reason::UnboundParameters,
        Reason::BatchReflection,
        Reason::OfflineError,
        Reason::EnvError,
        Reason::NotRendered,
        Reason::MysqlMariadbDiffer,
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
            Reason::AlembicCannotLoad => "alembic_cannot_load",
            Reason::ReadsDatabase => "reads_database",
            Reason::AsksOfflineMode => "asks_offline_mode",
            Reason::UnboundParameters => "unbound_parameters",
            Reason::BatchReflection => "batch_reflection",
            Reason::OfflineError => "offline_error",
            Reason::EnvError => "env_error",
            Reason::NotRendered => "not_rendered",
            Reason::MysqlMariadbDiffer => "mysql_mariadb_differ",
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
    /// Which function of the script.
    pub direction: Direction,
    /// The database of the section.
    pub database: Database,
    /// Why.
    pub reason: Reason,
    /// What, for the user.
    pub what: String,
}

/// Who wrote a section's SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// The static converter.
    Static,
    /// The project's Alembic, in offline mode.
    Alembic,
}

impl By {
    /// Its stable code.
    pub fn code(self) -> &'static str {
        match self {
            By::Static => "static",
            By::Alembic => "alembic",
        }
    }
}

/// One section of a written file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionReport {
    /// Which function of the script.
    pub direction: Direction,
    /// The database of the section.
    pub database: Database,
    /// Who wrote its SQL.
    pub by: By,
    /// Why Alembic's offline mode could not render it, when it was asked to and the static
    /// converter wrote it instead (one of [`Reason::FALLBACK`]).
    pub fallback: Option<Reason>,
}

/// The Alembic that rendered an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendering {
    /// Alembic's version.
    pub version: String,
    /// The Python that ran it.
    pub python: PathBuf,
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
    /// Its sections, in file order.
    pub sections: Vec<SectionReport>,
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
    /// The Alembic that rendered the sections [`By::Alembic`], when one was asked for.
    pub alembic: Option<Rendering>,
}

impl Imported {
    /// The scripts with nothing left to do.
    pub fn todo_free(&self) -> usize {
        self.scripts.iter().filter(|s| s.todos.is_empty()).count()
    }

    /// The sections written, and those of them Alembic rendered.
    pub fn sections_by_alembic(&self) -> (usize, usize) {
        let sections = self.scripts.iter().flat_map(|s| &s.sections);
        let alembic = sections.clone().filter(|s| s.by == By::Alembic).count();
        (sections.count(), alembic)
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
