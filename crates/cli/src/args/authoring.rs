//! The clap types of the commands that write migration files (`create`, `merge`, `import`,
//! `squash`, `baseline`) and of `adopt`. Must not import a command.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{ConnectMany, DatabaseArgs, Dialect};

/// The tool whose scripts `import` reads.
#[derive(Debug, Subcommand)]
pub(crate) enum ImportFrom {
    /// Alembic's versions/*.py: the same revision ids, parents, labels and depends_on; each
    /// op.* call understood as SQL, the rest a `-- migrate:todo` line that stops the build
    Alembic(ImportAlembicArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ImportAlembicArgs {
    /// The directory of Alembic's scripts (its versions/)
    pub dir: PathBuf,
    /// A database to write sections for; repeat for several [default: postgresql]
    #[arg(long, value_enum)]
    pub dialect: Vec<Dialect>,
    /// Where migrations live [default: migrations]
    #[arg(long, value_name = "DIR")]
    pub migrations_dir: Option<PathBuf>,
    /// The SQL of the project's own column types, one line each:
    /// `myapp.db.JSON = postgresql:jsonb sqlite:json` (see the README)
    #[arg(long, value_name = "FILE")]
    pub type_map: Option<PathBuf>,
    /// The Python file that makes the MetaData whose naming_convention the scripts ran with
    /// [default: the env.py beside the versions directory]
    #[arg(long, value_name = "FILE")]
    pub naming_convention: Option<PathBuf>,
    /// Render each revision with the project's own Alembic in offline mode (`upgrade --sql`),
    /// configured by this alembic.ini; what it cannot render is converted statically, with a
    /// `-- migrate:todo` line saying why
    #[arg(long, value_name = "PATH")]
    pub alembic_ini: Option<PathBuf>,
    /// The alembic program of the project's environment (its #! line names the Python that
    /// runs it) [default: alembic on PATH]
    #[arg(long, value_name = "PROGRAM", requires = "alembic_ini")]
    pub alembic: Option<PathBuf>,
}

/// The tool whose history `adopt` takes over.
#[derive(Debug, Subcommand)]
pub(crate) enum AdoptFrom {
    /// Check refinery_schema_history against the embedded V files with refinery's checksums,
    /// then record the same state in the version table and log (refinery's table is left as it is)
    Refinery(ConnectMany),
}

/// Where `create` and `merge` write: `--migrations-dir`, default `migrations`.
pub(crate) fn migrations_dir(dir: &Option<PathBuf>) -> PathBuf {
    dir.clone().unwrap_or_else(|| PathBuf::from("migrations"))
}

#[derive(Debug, Args)]
pub(crate) struct SquashArgs {
    /// The last revision the squash replaces (with every revision below it)
    #[arg(long, value_name = "REV")]
    pub upto: String,
    /// What the migration is (its first line)
    #[arg(short, long)]
    pub message: String,
    /// A server (PostgreSQL or MariaDB/MySQL) to replay on for that database's section; repeat,
    /// one per kind. The squash carries a section for every database its files do; SQLite's
    /// is replayed on a temporary file
    #[arg(long = "scratch-url", value_name = "URL")]
    pub scratch_urls: Vec<String>,
    /// A database the project targets, for migrations written without sections of their own
    /// (one SQL for all, or Rust); repeat for several [default: those the files name, else all]
    #[arg(long, value_enum)]
    pub dialect: Vec<Dialect>,
    /// Where migrations live [default: migrations]
    #[arg(long, value_name = "DIR")]
    pub migrations_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct BaselineArgs {
    /// What the migration is (its first line)
    #[arg(short, long)]
    pub message: String,
    /// Use this revision id instead of a new random one
    #[arg(long, value_name = "ID")]
    pub rev_id: Option<String>,
    /// Write the baseline even though the database holds objects it cannot rebuild (views,
    /// triggers, functions...); they are listed in the file's header, and a fresh database built
    /// from it lacks them
    #[arg(long)]
    pub accept_loss: bool,
    /// Where migrations live [default: migrations]
    #[arg(long, value_name = "DIR")]
    pub migrations_dir: Option<PathBuf>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub(crate) struct CreateArgs {
    /// What the migration does, in one line: the first line of the file and its name
    pub message: String,
    /// Write a Rust migration (portable DDL) instead of SQL
    #[arg(long)]
    pub rust: bool,
    /// The revision to build on (`base` starts a new branch); required when there are several heads
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// Start a new history: a revision with no parent, in a directory created if missing
    #[arg(long, conflicts_with = "head")]
    pub base: bool,
    /// A branch label for the new revision
    #[arg(long = "branch-label", value_name = "LABEL")]
    pub branch_labels: Vec<String>,
    /// Revisions this one depends on without being their child
    #[arg(long = "depends-on", value_name = "REV")]
    pub depends_on: Vec<String>,
    /// Use this revision id instead of a new random one
    #[arg(long, value_name = "ID")]
    pub rev_id: Option<String>,
    /// Where migrations live [default: migrations]
    #[arg(long, value_name = "DIR")]
    pub migrations_dir: Option<PathBuf>,
    /// Write the difference between the models (src/models) and the database at head
    #[arg(long, conflicts_with = "rust")]
    pub autogenerate: bool,
    /// With --autogenerate: build the schema at head in a throwaway database on this server
    #[arg(long, value_name = "URL", requires = "autogenerate")]
    pub scratch_url: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// Revisions to join, or `heads`
    #[arg(required = true, num_args = 1..)]
    pub revisions: Vec<String>,
    /// What the merge is for
    #[arg(short, long)]
    pub message: String,
    /// Use this revision id instead of a new random one
    #[arg(long, value_name = "ID")]
    pub rev_id: Option<String>,
    /// Where migrations live [default: migrations]
    #[arg(long, value_name = "DIR")]
    pub migrations_dir: Option<PathBuf>,
}
