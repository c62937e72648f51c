//! The flags of `backfill run | pause | resume | cancel | status`. Must not import a command.

use std::time::Duration;

use clap::{Args, Subcommand};

use super::DatabaseArgs;

/// `backfill`: what to do with a revision's backfill job.
#[derive(Debug, Subcommand)]
pub(crate) enum BackfillCommand {
    /// Run a backfill (or every one not done) until it is done, beside the running services
    Run(BackfillRunArgs),
    /// Stop a running backfill after its current batch, until it is resumed
    Pause(BackfillNoteArgs),
    /// Let a paused or cancelled backfill run again, from where it stopped
    Resume(BackfillJobArgs),
    /// Stop a backfill: what ran stays, and revisions that require it are refused until it is resumed
    Cancel(BackfillNoteArgs),
    /// Where each backfill of the applied revisions stands
    Status(BackfillStatusArgs),
}

#[derive(Debug, Args)]
pub(crate) struct BackfillRunArgs {
    /// The revision whose backfill runs [default: every one not done]
    pub revision: Option<String>,
    /// Pause between batches while replication lag is over this (PostgreSQL's replay_lag)
    #[arg(long, value_name = "DURATION", value_parser = duration, default_value = "10s")]
    pub max_lag: Duration,
    /// What one batch should take, overriding the declaration's `Batch Time`
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub batch_time: Option<Duration>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub(crate) struct BackfillNoteArgs {
    /// The revision whose backfill it is
    pub revision: String,
    /// Why: the job keeps it, and status shows it
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub(crate) struct BackfillJobArgs {
    /// The revision whose backfill it is
    pub revision: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub(crate) struct BackfillStatusArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
}

impl BackfillCommand {
    /// The subcommand's name, as documents say it.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            BackfillCommand::Run(_) => "run",
            BackfillCommand::Pause(_) => "pause",
            BackfillCommand::Resume(_) => "resume",
            BackfillCommand::Cancel(_) => "cancel",
            BackfillCommand::Status(_) => "status",
        }
    }

    /// Where it connects.
    pub(crate) fn database(&self) -> &DatabaseArgs {
        match self {
            BackfillCommand::Run(args) => &args.database,
            BackfillCommand::Pause(args) | BackfillCommand::Cancel(args) => &args.database,
            BackfillCommand::Resume(args) => &args.database,
            BackfillCommand::Status(args) => &args.database,
        }
    }
}

fn duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text)
        .map_err(|e| format!("not a duration ({e}); write e.g. 500ms or 10s"))
}
