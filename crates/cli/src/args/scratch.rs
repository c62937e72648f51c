//! The clap types of `scratch`: the throwaway databases runs killed with SIGKILL left
//! behind. Must not import a command.

use std::time::Duration;

use clap::{Args, Subcommand};

/// What `scratch` does.
#[derive(Debug, Subcommand)]
pub(crate) enum ScratchCommand {
    /// Drop the throwaway databases and temporary SQLite files left behind by runs that were
    /// killed (SIGKILL), keeping any still in use
    Clean(ScratchCleanArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ScratchCleanArgs {
    /// A server to look on (PostgreSQL or MariaDB/MySQL); repeat for several. The temporary
    /// directory is always looked in, for SQLite files
    #[arg(long = "scratch-url", value_name = "URL")]
    pub scratch_urls: Vec<String>,
    /// How old a throwaway database must be to count as left behind when its maker cannot be
    /// checked (made on another host, or by an earlier version), e.g. 30m
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = humantime::parse_duration)]
    pub older_than: Duration,
    /// List what would be dropped, and drop nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Confirm in production (--env / AURORA_ENV)
    #[arg(long)]
    pub yes: bool,
}
