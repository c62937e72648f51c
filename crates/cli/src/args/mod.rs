//! The clap types: every command, flag and help text. Database flags live on the commands
//! that connect (and before the command, for every command), so the help of a command that
//! never connects lists none. Settings are resolved in `settings.rs`, not here. Must not
//! import a command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod authoring;
mod backfill;
pub(crate) mod bounds;
mod connect;
mod migrate;
mod scratch;

pub(crate) use authoring::{
    AdoptFrom, BaselineArgs, CreateArgs, ImportAlembicArgs, ImportFrom, MergeArgs, SquashArgs,
    migrations_dir,
};
pub(crate) use backfill::{BackfillCommand, BackfillRunArgs};
pub(crate) use connect::{
    Connect, ConnectMany, DatabaseArgs, FleetArgs, LeaseAction, LockKind, OnErrorMode,
};
pub(crate) use migrate::{
    Dialect, DowngradeArgs, RepairArgs, RepairCommand, ResetArgs, RunDirection, StampArgs,
    StatementLockTimeout, StepArgs, TransactionMode, UpgradeArgs,
};
pub(crate) use scratch::{ScratchCleanArgs, ScratchCommand};

pub(crate) const EXIT_CODES: &str = "\
Exit codes:
  0    success (`check` and `status`: the database is at the heads)
  1    failure: a migration failed, the database is unreachable, a target is unknown, `check`
       found a problem, `status` found the database behind, ahead or damaged
  2    usage: an unknown command or flag, a missing setting, a confirmation that --yes must give
  130  interrupted by SIGINT (143: SIGTERM); the migration in progress was rolled back

Results go to stdout, progress and notes to stderr; --format json prints one JSON document on
stdout, an error included ({\"error\": {\"code\": ..., \"message\": ...}}).";

#[derive(Debug, Parser)]
#[command(
    name = "aurora-migrate",
    about = "Database migrations embedded in one binary, with Alembic's commands",
    disable_version_flag = true,
    arg_required_else_help = true,
    after_help = EXIT_CODES
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub output: OutputArgs,
    /// Print the version, the embedded heads and the number of embedded migrations
    #[arg(short = 'V', long)]
    pub version: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// How the result is printed; allowed before or after the command.
#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// Output format: text for people, json for machines (`graph` also: dot, mermaid)
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Say more: -v prints each statement as it is sent
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Print only results and errors, no progress or notes
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
    Dot,
    Mermaid,
}

#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// Build the throwaway database on this server (PostgreSQL or MariaDB) [default: a
    /// temporary SQLite file, no server at all]
    #[arg(long, value_name = "URL")]
    pub scratch_url: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    /// A revision, or a range START:END as `history -r` takes it [default: what the database
    /// has not applied when --database-url or DATABASE_URL names one, else every migration]
    #[arg(allow_hyphen_values = true)]
    pub revisions: Option<String>,
    /// Every migration, whatever the database has applied
    #[arg(long, conflicts_with = "revisions")]
    pub all: bool,
    /// The database(s) to lint for [default: the named database's, else all three]
    #[arg(long, value_enum)]
    pub dialect: Vec<Dialect>,
    /// Read table sizes and row counts from the database and judge the findings by them
    #[arg(long)]
    pub with_stats: bool,
    /// Exit 1 when a finding of this severity or a worse one remains [default: error]
    #[arg(long, value_enum, value_name = "SEVERITY", default_value = "error")]
    pub fail_on: FailOn,
    /// Where migrations live: lint reads the files there when the directory exists
    /// [default: migrations]
    #[arg(long, value_name = "DIR", conflicts_with = "embedded")]
    pub migrations_dir: Option<PathBuf>,
    /// Lint the migrations this binary embeds, not the files on disk
    #[arg(long)]
    pub embedded: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// The least severity that fails `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Args)]
pub(crate) struct DumpArgs {
    /// Write the dump to FILE instead of stdout
    #[arg(short, long, value_name = "FILE", conflicts_with = "check")]
    pub output: Option<PathBuf>,
    /// Compare FILE with the dump instead: exit 1 and print a unified diff when it is stale
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub(crate) struct HistoryArgs {
    /// START:END, as base:head, -3:, ae10:, :head, current:
    #[arg(short = 'r', long, allow_hyphen_values = true)]
    pub rev_range: Option<String>,
    /// Draw the revision graph beside the list, as `git log --graph` (@ current, * applied,
    /// o pending)
    #[arg(long, conflicts_with = "rev_range")]
    pub graph: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Compare the models with the migrations in a throwaway database on this server instead
    #[arg(long, value_name = "URL", conflicts_with_all = ["targets", "targets_cmd"])]
    pub scratch_url: Option<String>,
    /// Lint every migration too, for the database's dialect: an error-level finding fails
    #[arg(long)]
    pub lint: bool,
    #[command(flatten)]
    pub fleet: FleetArgs,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Apply migrations up to TARGET (default: head)
    #[command(
        after_help = "Examples:\n  aurora-migrate upgrade\n  aurora-migrate upgrade heads --database-url postgresql://app@db.internal/app\n  aurora-migrate upgrade +1\n  aurora-migrate upgrade --transaction all\n  aurora-migrate upgrade --sql --dialect postgresql > upgrade.sql     # for review, no connection\n  aurora-migrate upgrade --sql 3f2a9c1b7d4e:head --dialect mysql\n  aurora-migrate upgrade --targets tenants.txt --parallel 8 --state run.jsonl   # a fleet\n  aurora-migrate upgrade --lock lease   # behind a transaction-pooling PgBouncer"
    )]
    Upgrade(UpgradeArgs),
    /// Revert migrations down to TARGET
    #[command(
        after_help = "Examples:\n  aurora-migrate downgrade -1\n  aurora-migrate downgrade 3f2a9c1b7d4e\n  aurora-migrate downgrade base --yes   # in production\n  aurora-migrate downgrade heads        # revert what a newer build applied, from its stored downgrades\n  aurora-migrate downgrade --sql head:base --dialect sqlite"
    )]
    Downgrade(DowngradeArgs),
    /// Show the revisions the database is at
    #[command(
        after_help = "Examples:\n  aurora-migrate current\n  aurora-migrate current -v --format json"
    )]
    Current(ConnectMany),
    /// What is applied and pending, and whether the database is behind, at the heads or ahead
    #[command(
        after_help = "Exit code 0 only when the database is at the heads, with no dirty mark, no changed checksum and a consistent version table.\n\nExamples:\n  aurora-migrate status\n  aurora-migrate status --format json   # for a readiness probe\n  aurora-migrate status --targets tenants.txt   # which tenants are behind"
    )]
    Status(ConnectMany),
    /// List revisions, marking what is applied and current
    #[command(
        after_help = "Examples:\n  aurora-migrate history\n  aurora-migrate history --graph\n  aurora-migrate history -r -3:\n  aurora-migrate history -r base:3f2a -v"
    )]
    History(HistoryArgs),
    /// Draw the revision graph: text lanes, or --format dot|mermaid for documents
    #[command(
        after_help = "Marks current (@), applied (*) and pending (o) revisions when --database-url or DATABASE_URL names a database; otherwise nothing connects.\n\nExamples:\n  aurora-migrate graph\n  aurora-migrate graph --format mermaid > docs/migrations.md\n  aurora-migrate graph --format dot | dot -Tsvg > migrations.svg"
    )]
    Graph(Connect),
    /// Show the head revisions this build carries
    #[command(
        after_help = "Examples:\n  aurora-migrate heads\n  aurora-migrate heads --format json"
    )]
    Heads,
    /// Show revisions where the graph branches
    #[command(after_help = "Examples:\n  aurora-migrate branches")]
    Branches,
    /// Show one revision
    #[command(after_help = "Examples:\n  aurora-migrate show head\n  aurora-migrate show cec3")]
    Show {
        /// A revision id, prefix, label, head or LABEL@head
        rev: String,
    },
    /// Write a new migration file and print its path
    #[command(
        after_help = "Examples:\n  aurora-migrate create \"Add RPC endpoint to chains table\"\n  aurora-migrate create \"Add notes\" --rust\n  aurora-migrate create \"Sync the models\" --autogenerate\n  aurora-migrate create \"First migration\" --base   # a new project"
    )]
    Create(CreateArgs),
    /// Write a migration that joins several revisions
    #[command(
        after_help = "Examples:\n  aurora-migrate merge heads -m \"join the feature branch\""
    )]
    Merge(MergeArgs),
    /// Write our migration files from another tool's scripts, with the same revisions
    #[command(
        subcommand,
        after_help = "Examples:\n  aurora-migrate import alembic alembic/versions\n  aurora-migrate import alembic alembic/versions --dialect postgresql --dialect sqlite\n  aurora-migrate import alembic alembic/versions --alembic-ini alembic.ini  # rendered by Alembic"
    )]
    Import(ImportFrom),
    /// Record TARGET in the version table without running migrations
    #[command(
        after_help = "Examples:\n  aurora-migrate stamp head          # the schema was built by other means\n  aurora-migrate stamp --purge 3f2a  # rewrite a damaged version table"
    )]
    Stamp(StampArgs),
    /// Write the first migration from a database's schema and record it as applied there
    #[command(
        after_help = "For a database whose schema was made by hand or by another tool: the file creates that schema (its downgrade drops it), and the database is recorded at it with nothing run. A fresh database then builds the same schema. Refused when the database has a version table or the directory has migrations.\n\nExamples:\n  aurora-migrate baseline -m \"Schema as of the take-over\" --database-url postgresql://app@db/app"
    )]
    Baseline(BaselineArgs),
    /// Write one migration that builds the schema at REV from nothing, replacing every revision up to it
    #[command(
        after_help = "The schema comes from replaying the revisions on a throwaway database (a temporary SQLite file, or one beside --scratch-url's server). A fresh database runs the squash instead of the chain; a database with history keeps to the chain. Once every database is past REV, the replaced files can be deleted.\n\nExamples:\n  aurora-migrate squash --upto 3f2a9c1b7d4e -m \"Squash the first year\"\n  aurora-migrate squash --upto 3f2a9c1b7d4e -m \"Squash\" --scratch-url postgresql://postgres@localhost/postgres"
    )]
    Squash(SquashArgs),
    /// Take over a database another tool migrated, recording its history as ours
    #[command(
        subcommand,
        after_help = "A first `upgrade` adopts a refinery database by itself; this command does only that step.\n\nExamples:\n  aurora-migrate adopt refinery --database-url postgresql://app@db/app"
    )]
    Adopt(AdoptFrom),
    /// Who holds the lease lock (--lock lease), and freeing one whose runner is gone
    #[command(
        subcommand,
        after_help = "A runner that dies holds its lease until it expires (--lease, 30s by default); `lease break` frees it at once when it has expired or its process is dead on this host, and with --force when it is live. The fencing token moves on, so a runner that comes back finds its lease gone: it stops before its next migration, and on PostgreSQL a migration it has running rolls back.\n\nExamples:\n  aurora-migrate lease show --database-url postgresql://app@db/app\n  aurora-migrate lease break --database-url postgresql://app@db/app\n  aurora-migrate lease break --force --format json"
    )]
    Lease(LeaseAction),
    /// Decide by hand about a migration that stands part-way, recorded with who and why
    #[command(
        subcommand,
        after_help = "A migration that cannot run in one transaction (every one on MySQL, and `Transaction: none`) records each statement in the step journal, and the next run continues at the first one not done. When a statement's outcome cannot be checked, or the file changed since it ran, a person decides here. Each repair shows what it changes and asks first (--dry-run only shows; --yes does not ask); it is written into the journal and kept in the audit table with who made it, when and why.\n\nExamples:\n  aurora-migrate repair mark-done 3f2a9c1b7d4e --reason \"the column exists: checked by hand\"\n  aurora-migrate repair mark-failed 3f2a9c1b7d4e --reason \"the procedure rolled back\" --dry-run\n  aurora-migrate repair accept-edits 3f2a9c1b7d4e --reason \"a comment was reworded\""
    )]
    Repair(RepairCommand),
    /// Run, pause, resume, cancel or show the backfills: data changes a revision makes in batches
    #[command(
        subcommand,
        after_help = "A revision's `-- migrate:backfill` block changes its table in batches along an integer key, from the lowest key to the highest that existed when it started; each batch commits with the job's cursor, so a killed run resumes where it stopped and no row is changed twice. `upgrade` runs them inline unless --defer-backfills; a service runs them in the background; this command runs them beside the services. One runner at a time holds a job's lease.\n\nExamples:\n  aurora-migrate backfill status\n  aurora-migrate backfill run 8d1e6b0f2a57 --max-lag 2s\n  aurora-migrate backfill pause 8d1e6b0f2a57 --reason \"peak traffic\"\n  aurora-migrate backfill resume 8d1e6b0f2a57"
    )]
    Backfill(BackfillCommand),
    /// Revert everything, then apply everything: drops all data the migrations manage
    #[command(
        after_help = "Examples:\n  aurora-migrate reset\n  aurora-migrate reset --yes --database-url sqlite://dev.db"
    )]
    Reset(ResetArgs),
    /// Test the migrations in a throwaway database: each revision up, down, up again; one head; the models
    #[command(
        after_help = "Each revision in turn is upgraded, downgraded (which must leave the schema exactly as before) and upgraded again; then the graph must have one head and the models must match the schema at the head. Exit 1 on any failure.\n\nExamples:\n  aurora-migrate test                    # a temporary SQLite file: no server needed\n  aurora-migrate test --scratch-url postgresql://postgres@localhost/postgres\n  aurora-migrate test --scratch-url mysql://root@localhost/test --format json"
    )]
    Test(TestArgs),
    /// Drop the throwaway databases that killed runs left behind
    #[command(
        subcommand,
        after_help = "A throwaway database is named aurora_scratch_<purpose>_<host>_<pid>_<unix seconds>_<n>. One made on this host by a process that no longer runs is left behind; one whose maker cannot be checked (another host, an earlier version's name) is left behind once older than --older-than. One with a session connected is always kept (on MySQL, sessions of other accounts are seen only with the PROCESS privilege).\n\nExamples:\n  aurora-migrate scratch clean                   # temporary SQLite files only\n  aurora-migrate scratch clean --scratch-url postgresql://postgres@localhost/postgres --scratch-url mysql://root@localhost/test\n  aurora-migrate scratch clean --scratch-url postgresql://postgres@ci-db/postgres --older-than 2h --dry-run"
    )]
    Scratch(ScratchCommand),
    /// Find what in the migrations could take production down, before they run
    #[command(
        after_help = "Exit 1 when an error-level finding remains (--fail-on warning: a warning too). Upgrades and downgrades are linted. The files in migrations/ are read when the directory exists (a note says when they differ from the build). `-- lint: allow CODE reason` on a statement (or in the header, for the whole migration) accepts a finding.\n\nExamples:\n  aurora-migrate lint                       # every migration, for every database\n  aurora-migrate lint --fail-on warning     # in CI\n  aurora-migrate lint --database-url postgresql://app@db/app --with-stats   # what production has not applied\n  aurora-migrate lint 3f2a9c1b7d4e --dialect mysql\n  aurora-migrate lint base:head --format json"
    )]
    Lint(LintArgs),
    /// Write the schema at the database's revision as canonical SQL, from its own catalog
    #[command(
        after_help = "Objects sorted by name, no server version or date: two databases built by the same migrations dump the same bytes, and a dump loaded into an empty database stands at its revision.\n\nExamples:\n  aurora-migrate dump --output schema.sql\n  aurora-migrate dump --check schema.sql   # in CI: exit 1 and a diff when the file is stale\n  aurora-migrate upgrade --dump schema.sql"
    )]
    Dump(DumpArgs),
    /// Succeed only if the database is at the heads, every checksum matches and the models agree
    #[command(
        after_help = "Examples:\n  aurora-migrate check\n  aurora-migrate check --scratch-url postgresql://postgres@localhost/postgres"
    )]
    Check(CheckArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  aurora-migrate completions bash > /etc/bash_completion.d/aurora-migrate\n  aurora-migrate completions zsh > \"${fpath[1]}/_aurora-migrate\""
    )]
    Completions {
        /// bash, zsh, fish, powershell or elvish
        shell: clap_complete::Shell,
    },
}

impl Command {
    /// A list of databases this command runs on, when it was given one.
    pub(crate) fn fleet(&self) -> Option<&FleetArgs> {
        let fleet = match self {
            Command::Upgrade(args) => &args.fleet,
            Command::Downgrade(args) => &args.fleet,
            Command::Stamp(args) => &args.fleet,
            Command::Reset(args) => &args.fleet,
            Command::Check(args) => &args.fleet,
            Command::Current(args) | Command::Status(args) => &args.fleet,
            Command::Adopt(AdoptFrom::Refinery(args)) => &args.fleet,
            _ => return None,
        };
        fleet.given().then_some(fleet)
    }

    /// Commands that make a throwaway database get a grace period to drop it on a signal.
    pub(crate) fn makes_scratch(&self) -> bool {
        match self {
            Command::Test(_) | Command::Squash(_) => true,
            Command::Check(args) => args.scratch_url.is_some(),
            Command::Create(args) => args.autogenerate && args.scratch_url.is_some(),
            _ => false,
        }
    }

    /// Commands that change the database get a grace period to roll back on a signal.
    pub(crate) fn changes_the_database(&self) -> bool {
        matches!(
            self,
            Command::Upgrade(_)
                | Command::Downgrade(_)
                | Command::Stamp(_)
                | Command::Reset(_)
                | Command::Repair(_)
                | Command::Backfill(_)
                | Command::Adopt(_)
                | Command::Baseline(_)
                | Command::Lease(LeaseAction::Break(_))
        )
    }
}
