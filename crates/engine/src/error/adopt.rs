//! A database another tool migrated that cannot be adopted as it is. Must not import the
//! runner.

use aurora_migrate_core::hint::{Command, Hint, Setting};

/// What adopting refinery's history refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AdoptError {
    /// There is no refinery history to adopt.
    #[error(
        "the database has no refinery_schema_history table: there is nothing of refinery's to adopt"
    )]
    NoHistory,
    /// The database has our own history already.
    #[error(
        "the database already has its version table ({0}); it was adopted before, or never needed it"
    )]
    Adopted(String),
    /// refinery applied a migration this build has no file for.
    #[error(
        "refinery applied V{version}__{name}, which this build has no file for; add its file to migrations/ as it was applied"
    )]
    Missing {
        /// Its version.
        version: i64,
        /// Its name.
        name: String,
    },
    /// A file differs from what refinery applied.
    #[error(
        "V{version}__{name} changed since refinery applied it (refinery's checksum {recorded}, the file's {embedded}); \
         restore the file as it was applied, then adopt again; nothing was changed"
    )]
    Changed {
        /// Its version.
        version: i64,
        /// Its name.
        name: String,
        /// refinery's checksum.
        recorded: String,
        /// The file's, by refinery's hash.
        embedded: String,
    },
    /// refinery applied a version while an earlier one was not (an unversioned `U` file).
    #[error(
        "refinery applied version {applied} but not the earlier {missing}: the files form one chain in version order \
         here, so apply {missing} with refinery first, or give the file a version after {applied}"
    )]
    OutOfOrder {
        /// The version refinery applied.
        applied: i64,
        /// The earlier one it did not.
        missing: i64,
    },
    /// refinery migrated the database, and this build carries none of refinery's files (or
    /// was built without refinery's support).
    #[error(
        "refinery migrated this database (it has refinery_schema_history and no version table of ours), but {}: \
         running from base would apply every migration on top of refinery's schema; {}; nothing was changed",
        if *.refinery { "this build has none of refinery's V<n>__name files" } else { "this build was made without refinery's support" },
        if *.refinery { "put refinery's files in the migrations directory as they were applied, rebuild, then run again (the first run adopts refinery's history)" } else { "build with the `refinery` feature and refinery's files" }
    )]
    RefineryFilesMissing {
        /// Whether this build can read refinery's files at all.
        refinery: bool,
    },
    /// refinery's own code refused a file name.
    #[error("{file}: refinery cannot read its name: {message}")]
    Name {
        /// The file.
        file: String,
        /// refinery's message.
        message: String,
    },
}

/// What `import alembic` refuses; nothing is written when it does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The directory holds no Alembic scripts.
    #[error(
        "{dir} holds no Alembic scripts (*.py); give the directory of the versions, e.g. alembic/versions"
    )]
    NoScripts {
        /// The directory.
        dir: String,
    },
    /// A script that cannot be read as Python.
    #[error(
        "{file}:{line}: cannot read {what}; fix the script, or leave it out and write its migration by hand"
    )]
    Unreadable {
        /// The script.
        file: String,
        /// The line.
        line: usize,
        /// What could not be read.
        what: String,
    },
    /// A script whose revision facts are not literals.
    #[error(
        "{file}: `{name}` must be written as a literal (a string, a tuple of strings or None) to be imported: {why}"
    )]
    Facts {
        /// The script.
        file: String,
        /// The variable.
        name: String,
        /// What is wrong.
        why: String,
    },
    /// A revision the migrations directory already has.
    #[error(
        "revision {id} ({file}) is in {dir} already: import into an empty directory, or remove it first"
    )]
    Exists {
        /// The revision.
        id: String,
        /// The script.
        file: String,
        /// The migrations directory.
        dir: String,
    },
    /// A revision id or branch label that cannot be one here: it would become a path outside
    /// the directory, a header line, or a word targets reserve.
    #[error(
        "{file}: {name} {value:?} cannot be imported: a revision id or branch label is {rule}, and not head, heads, \
         base or current; give the script a valid one (in the files that name it too), then import again; nothing \
         was written",
        rule = aurora_migrate_core::revision::id::RULE
    )]
    InvalidName {
        /// The script.
        file: String,
        /// The variable (`revision`, `down_revision`, `depends_on`, `branch_labels`).
        name: String,
        /// Its value.
        value: String,
    },
    /// The scripts do not make one valid graph.
    #[error("the Alembic scripts do not form a valid revision graph: {0}")]
    Graph(String),
    /// A type map that cannot be read.
    #[error(
        "{file}:{line}: {what}; a type map has one line per type: `qualified.Name = TYPE` or `qualified.Name = postgresql:TYPE sqlite:TYPE mysql:TYPE`"
    )]
    TypeMap {
        /// The file.
        file: String,
        /// The line (0: the file as a whole).
        line: usize,
        /// What is wrong.
        what: String,
    },
    /// The file named for the naming convention makes no `MetaData`.
    #[error(
        "{file} makes no SQLAlchemy MetaData(...): give the file that makes the MetaData whose naming_convention the scripts were run with"
    )]
    NoConvention {
        /// The file.
        file: String,
    },
}

/// What `baseline` refuses; nothing is written when it does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BaselineError {
    /// The database has our version table: it has a history already.
    #[error(
        "the database has the version table {0} already: it has a history, so there is nothing to baseline"
    )]
    HasHistory(String),
    /// refinery migrated the database.
    #[error("refinery migrated this database (refinery_schema_history)")]
    Refinery,
    /// The database has nothing to baseline.
    #[error("the database has no tables or types: there is no schema to baseline")]
    Empty,
    /// The directory has migrations already.
    #[error(
        "{dir} holds {count} migration(s) already: a baseline is the first migration of a history, so run it into an empty directory"
    )]
    HasMigrations {
        /// The directory.
        dir: String,
        /// How many.
        count: usize,
    },
    /// The database holds objects a baseline cannot rebuild, and their loss was not accepted:
    /// a fresh database built from the file would lack them.
    #[error(
        "the database holds {} object(s) that a baseline cannot rebuild, so a fresh database built from it would lack them:\n  - {}",
        .0.len(),
        .0.join("\n  - ")
    )]
    LeftOut(Vec<String>),
}

impl BaselineError {
    /// What to do about it, when there is something to do.
    pub fn hint(&self) -> Option<Hint> {
        let hint = match self {
            BaselineError::HasHistory(_) => Hint::command(Command::Current).then_text(" shows it"),
            BaselineError::Refinery => {
                Hint::text("put its V files in the migrations directory and ")
                    .then_run(Command::Adopt, ["refinery"])
                    .then_text(" instead")
            }
            BaselineError::Empty => Hint::text("start with ")
                .then_run(Command::Create, [Setting::Base])
                .then_text(" instead"),
            _ => return None,
        };
        Some(hint)
    }
}
