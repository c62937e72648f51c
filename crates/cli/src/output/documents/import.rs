//! The document of `import alembic`: the files written, the lines left to do and why. Must not
//! import a command.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

/// `import alembic`: what the import wrote and left to do.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Import {
    /// Always `import`.
    pub command: String,
    /// Always `alembic`.
    pub from: String,
    /// The files written.
    pub files: Vec<String>,
    /// Every line left to do, in every file.
    pub todos: Vec<ImportTodo>,
    /// Each Alembic script imported.
    pub scripts: Vec<ImportScript>,
    /// Files of the versions directory that are not revisions.
    pub skipped: Vec<ImportSkipped>,
    /// What a person should know of the import.
    pub notes: Vec<String>,
    /// The Alembic that rendered SQL, when one did.
    pub alembic: Option<AlembicUsed>,
    /// The counts.
    pub summary: ImportSummary,
}

/// A line left to do in a written file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ImportTodo {
    /// The file written.
    pub file: String,
    /// Its line in that file.
    pub line: usize,
    /// The line of the statement in the script.
    pub script_line: usize,
    /// `upgrade` or `downgrade`.
    pub direction: String,
    /// The database of the section.
    pub dialect: String,
    /// Why, as a stable code.
    pub reason: String,
    /// What, for a person.
    pub what: String,
}

/// An Alembic script imported.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ImportScript {
    /// The script's file name.
    pub script: String,
    /// Its revision.
    pub revision: String,
    /// The file written.
    pub file: String,
    /// Whether nothing is left to do in it.
    pub converted: bool,
    /// The lines left to do in it.
    pub todos: Vec<ImportTodo>,
    /// Each section written, per direction and database.
    pub sections: Vec<ImportSection>,
}

/// A section of a written file.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ImportSection {
    /// `upgrade` or `downgrade`.
    pub direction: String,
    /// The database of the section.
    pub dialect: String,
    /// What wrote its SQL, as a stable code.
    pub by: String,
    /// Why the import fell back to another way, when it did.
    pub reason: Option<String>,
}

/// A file of the versions directory that is not a revision.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ImportSkipped {
    /// The file name.
    pub file: String,
    /// Why it is not a revision.
    pub why: String,
}

/// The Alembic that rendered SQL.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct AlembicUsed {
    /// Its version.
    pub version: String,
    /// The Python that ran it.
    pub python: String,
}

/// The counts of an import.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ImportSummary {
    /// How many scripts were imported.
    pub scripts: usize,
    /// How many of them have nothing left to do.
    pub todo_free: usize,
    /// How many files were skipped.
    pub skipped: usize,
    /// How many lines are left to do.
    pub todo_lines: usize,
    /// How many lines are left to do, per reason code.
    pub by_reason: BTreeMap<String, usize>,
    /// How many sections were written.
    pub sections: usize,
    /// How many of them Alembic rendered.
    pub sections_by_alembic: usize,
}
