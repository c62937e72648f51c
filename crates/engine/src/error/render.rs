//! What an import through Alembic's offline mode refuses (authoring::alembic::renderer);
//! nothing is written when it does. Must not import anything but the core.

use aurora_migrate_core::Database;

/// Why Alembic's offline mode could not be used at all (a revision it cannot render is not an
/// error: that section is converted statically and says why).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The alembic program is neither a file nor on `PATH`.
    #[error(
        "cannot find the alembic program {program} (not a file, nor on PATH); install Alembic in the project's \
         environment, or name that environment's alembic program; nothing was written"
    )]
    ProgramMissing {
        /// The program as given.
        program: String,
    },
    /// The program does not say which Python runs it.
    #[error(
        "cannot tell which Python runs {program}: {why}; name the alembic script of the project's environment \
         (e.g. .venv/bin/alembic); nothing was written"
    )]
    NoInterpreter {
        /// The program found.
        program: String,
        /// What its first line is.
        why: String,
    },
    /// The Alembic configuration file does not exist.
    #[error(
        "the Alembic configuration {path} does not exist: name the project's alembic.ini; nothing was written"
    )]
    IniMissing {
        /// The path given.
        path: String,
    },
    /// Python could not be started, or stopped without a result.
    #[error("cannot render through Alembic with {python}: {why}; nothing was written")]
    Python {
        /// The interpreter.
        python: String,
        /// What happened (the start error, or the exit status and the end of stderr).
        why: String,
    },
    /// Alembic could not read the project (alembic not importable, the configuration or the
    /// scripts directory wrong).
    #[error("Alembic cannot render {database} from this project: {why}; nothing was written")]
    Project {
        /// The database rendered for.
        database: Database,
        /// Alembic's reason.
        why: String,
    },
    /// env.py failed before any migration ran, for every revision: it needs what offline mode
    /// does not give it (a database connection, a setting).
    #[error(
        "the project's env.py fails in offline mode for {database}, before any migration runs: {why}; \
         make env.py's offline branch (context.is_offline_mode()) configure from the URL it is given without \
         connecting, or import without Alembic; nothing was written"
    )]
    Environment {
        /// The database rendered for.
        database: Database,
        /// The error env.py raised.
        why: String,
    },
}
