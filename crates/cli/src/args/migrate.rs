//! The flags of the commands that move a database between revisions: `upgrade`, `downgrade`,
//! `stamp`, `reset`, `repair`, and the step flags the first two share. Must not import a command.

use std::path::PathBuf;
use std::time::Duration;

use aurora_migrate::runner::{Durability, Transaction};
use clap::{Args, Subcommand, ValueEnum};

use super::{DatabaseArgs, FleetArgs};

/// How the migrations of one `upgrade` or `downgrade` run.
#[derive(Debug, Args)]
pub(crate) struct StepArgs {
    /// Run again a statement a stopped run left whose effect no check can judge; MySQL: clear a
    /// dirty mark an older build left and run that migration from its first statement
    #[arg(long, conflicts_with = "sql")]
    pub force: bool,
    /// per-migration: each migration commits with its bookkeeping; all: the whole run
    /// commits at once or not at all (PostgreSQL, SQLite)
    #[arg(long, value_enum, value_name = "MODE", default_value_t = TransactionMode::PerMigration)]
    pub transaction: TransactionMode,
    /// PostgreSQL: run (each migration commits atomically with its bookkeeping, and only the
    /// run's last commit waits for the disk, making all before it durable); each (every commit
    /// waits)
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = DurabilityMode::Run)]
    pub durability: DurabilityMode,
    /// PostgreSQL: at most N migrations travel in one message, each still its own transaction;
    /// 1 sends each alone
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    pub pipeline: u16,
    /// How long a migration's statement waits for a lock before the migration rolls back and is
    /// tried again with a doubled timeout (up to 10 s), e.g. 100ms (1ms to 24h); `none` waits as
    /// long as it takes [default: 100ms]
    #[arg(long, value_name = "DURATION", value_parser = lock_timeout, conflicts_with = "sql")]
    pub statement_lock_timeout: Option<StatementLockTimeout>,
    /// How many times a migration is tried again after a lock timeout, 0 to 100 [default: 8]
    #[arg(long, value_name = "N", conflicts_with = "sql", value_parser = clap::value_parser!(u32).range(super::bounds::LOCK_RETRIES))]
    pub lock_retries: Option<u32>,
}

#[derive(Debug, Args)]
pub(crate) struct UpgradeArgs {
    /// head, heads, a revision, +N, REV+N, LABEL@head; with --sql, [FROM:]TO
    #[arg(default_value = "head")]
    pub target: String,
    /// Print the SQL script instead of running it, without connecting (FROM defaults to base)
    #[arg(long, conflicts_with_all = ["targets", "targets_cmd"])]
    pub sql: bool,
    /// With --sql: the database the script is for [default: the database URL's]
    #[arg(long, value_enum, requires = "sql")]
    pub dialect: Option<Dialect>,
    #[command(flatten)]
    pub steps: StepArgs,
    /// Leave the backfills of the revisions applied for the service or `backfill run`; a
    /// revision that requires one not done is refused
    #[arg(long, conflicts_with = "sql")]
    pub defer_backfills: bool,
    /// Before a revision that requires a backfill not done, run its remaining batches
    #[arg(long, conflicts_with = "sql")]
    pub run_backfills: bool,

    /// After a successful run, rewrite FILE with the schema dump (as `dump --output FILE`)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["sql", "targets", "targets_cmd"])]
    pub dump: Option<PathBuf>,
    #[command(flatten)]
    pub fleet: FleetArgs,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub(crate) struct DowngradeArgs {
    /// base, a revision, -N, REV-N, LABEL@base, LABEL@-N; `heads`: this build's heads, when
    /// the database holds newer revisions; with --sql, FROM:TO
    #[arg(allow_hyphen_values = true)]
    pub target: String,
    /// Print the SQL script instead of running it, without connecting
    #[arg(long, conflicts_with_all = ["targets", "targets_cmd"])]
    pub sql: bool,
    /// With --sql: the database the script is for [default: the database URL's]
    #[arg(long, value_enum, requires = "sql")]
    pub dialect: Option<Dialect>,
    /// Confirm, in production, a downgrade that reaches base or drops data
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub steps: StepArgs,

    #[command(flatten)]
    pub fleet: FleetArgs,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub(crate) struct StampArgs {
    /// The revision(s) to record as applied: head, heads, base, a revision, LABEL@head
    #[arg(allow_hyphen_values = true)]
    pub target: String,
    /// Empty the version table first, even of revisions this build does not know
    #[arg(long)]
    pub purge: bool,
    /// Confirm where --env production asks for it
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub fleet: FleetArgs,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ResetArgs {
    /// Do not ask for confirmation (a fleet is never asked: it needs --yes)
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub fleet: FleetArgs,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// `--statement-lock-timeout`: a duration, or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatementLockTimeout {
    Off,
    First(Duration),
}

fn lock_timeout(text: &str) -> Result<StatementLockTimeout, String> {
    match text {
        "none" => Ok(StatementLockTimeout::Off),
        _ => match humantime::parse_duration(text) {
            Ok(duration) if duration.is_zero() => Err(
                "a zero timeout would fail every statement that waits; give a duration, or `none`"
                    .into(),
            ),
            Ok(duration) => super::bounds::STATEMENT_LOCK_TIMEOUT
                .check(duration)
                .map(StatementLockTimeout::First),
            Err(e) => Err(format!("{e}; write e.g. 100ms or 2s, or `none`")),
        },
    }
}

/// The database an offline script is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dialect {
    #[value(alias = "postgres")]
    Postgresql,
    Sqlite,
    #[value(alias = "mariadb")]
    Mysql,
}

impl From<Dialect> for aurora_migrate::Database {
    fn from(dialect: Dialect) -> aurora_migrate::Database {
        match dialect {
            Dialect::Postgresql => aurora_migrate::Database::Postgres,
            Dialect::Sqlite => aurora_migrate::Database::Sqlite,
            Dialect::Mysql => aurora_migrate::Database::Mysql,
        }
    }
}

/// `--durability`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DurabilityMode {
    Run,
    Each,
}

impl From<DurabilityMode> for Durability {
    fn from(mode: DurabilityMode) -> Durability {
        match mode {
            DurabilityMode::Run => Durability::Run,
            DurabilityMode::Each => Durability::Each,
        }
    }
}

/// How the migrations of one `upgrade` or `downgrade` share transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TransactionMode {
    PerMigration,
    All,
}

impl From<TransactionMode> for Transaction {
    fn from(mode: TransactionMode) -> Transaction {
        match mode {
            TransactionMode::PerMigration => Transaction::PerMigration,
            TransactionMode::All => Transaction::All,
        }
    }
}

/// `repair`: the decision, and the migration it is about.
#[derive(Debug, Subcommand)]
pub(crate) enum RepairCommand {
    /// The statement where the migration stands took effect: the next run goes on after it
    MarkDone(RepairArgs),
    /// The statement where the migration stands took no effect: the next run runs it again
    MarkFailed(RepairArgs),
    /// The statements that ran are what the file now says: the next run continues
    AcceptEdits(RepairArgs),
}

#[derive(Debug, Args)]
pub(crate) struct RepairArgs {
    /// The migration that stands part-way
    pub revision: String,
    /// Why: the audit keeps it
    #[arg(long)]
    pub reason: String,
    /// Which of its runs, when both an upgrade and a downgrade of it stand part-way
    #[arg(long, value_enum, value_name = "DIRECTION")]
    pub direction: Option<RunDirection>,
    /// Show what would change, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation (in production, --env / AURORA_ENV, it is required)
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// The way a migration ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RunDirection {
    Upgrade,
    Downgrade,
}

impl RepairCommand {
    /// The decision and its arguments.
    pub(crate) fn parts(&self) -> (aurora_migrate::runner::RepairAction, &RepairArgs) {
        use aurora_migrate::runner::RepairAction;
        match self {
            RepairCommand::MarkDone(args) => (RepairAction::MarkDone, args),
            RepairCommand::MarkFailed(args) => (RepairAction::MarkFailed, args),
            RepairCommand::AcceptEdits(args) => (RepairAction::AcceptEdits, args),
        }
    }
}
