//! The clap types of the database a command talks to: where it is and how runners are kept
//! apart (flags given before or after the command), and the fleet of databases a command may
//! run on instead of one. Must not import a command.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

/// Where the database is and how to reach it. Given after the command, a flag wins over the
/// same flag before it; environment variables and `.env` come after both.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Database")]
pub(crate) struct DatabaseArgs {
    /// Database URL [default: DATABASE_URL, then DATABASE_URL in .env, then sqlite://aurora.db]
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Name of the version table, optionally schema.table [default: alembic_version]
    #[arg(long, value_name = "NAME")]
    pub version_table: Option<String>,
    /// Seconds to wait for the database to answer a connection, 1 to 3600 [default: 10]
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(super::bounds::CONNECT_TIMEOUT_SECONDS))]
    pub connect_timeout: Option<u64>,
    /// Keep retrying the first connection this long while the server does not answer, e.g. 30s,
    /// at most 24h [env: AURORA_WAIT]
    #[arg(long, value_name = "DURATION", value_parser = super::bounds::wait)]
    pub wait: Option<Duration>,
    /// Give up waiting for another runner's lock after this long, e.g. 5m, at most 24h
    /// [env: AURORA_LOCK_TIMEOUT]
    #[arg(long, value_name = "DURATION", value_parser = super::bounds::lock_timeout)]
    pub lock_timeout: Option<Duration>,
    /// The environment [env: AURORA_ENV]; `production` or `prod` (any case) makes destructive
    /// downgrades, stamp and reset require --yes, and a database URL mandatory
    #[arg(long = "env", value_name = "NAME")]
    pub environment: Option<String>,
    /// What keeps two runners apart: `advisory`, the server's session lock; `lease`, a row of
    /// ours renewed while the run lasts, for a transaction-pooling PgBouncer (PostgreSQL, MySQL)
    /// [env: AURORA_LOCK] [default: advisory]
    #[arg(long, value_enum, value_name = "KIND")]
    pub lock: Option<LockKind>,
    /// With --lock lease: how long the lease lasts unless renewed (every third of it); a runner
    /// that dies is taken over after this, e.g. 30s [env: AURORA_LEASE] [default: 30s]
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub lease: Option<Duration>,
}

/// `--lock`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LockKind {
    Advisory,
    Lease,
}

impl DatabaseArgs {
    /// These flags, each filled from `outer` where it is not given here.
    pub(crate) fn or(&self, outer: &DatabaseArgs) -> DatabaseArgs {
        DatabaseArgs {
            database_url: self.database_url.clone().or(outer.database_url.clone()),
            version_table: self.version_table.clone().or(outer.version_table.clone()),
            connect_timeout: self.connect_timeout.or(outer.connect_timeout),
            wait: self.wait.or(outer.wait),
            lock_timeout: self.lock_timeout.or(outer.lock_timeout),
            environment: self.environment.clone().or(outer.environment.clone()),
            lock: self.lock.or(outer.lock),
            lease: self.lease.or(outer.lease),
        }
    }
}

/// A command whose only flags are the database's.
#[derive(Debug, Args)]
pub(crate) struct Connect {
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// What `lease` does.
#[derive(Debug, Subcommand)]
pub(crate) enum LeaseAction {
    /// Show who holds the lease: its runner, host, process, times, fencing token, and whether
    /// it is live, expired, or held by a process that is dead on this host
    Show(Connect),
    /// Free the lease of a runner that is gone: one that expired, or whose process is dead on
    /// this host; a live one only with --force
    Break(LeaseBreakArgs),
}

/// `lease break`.
#[derive(Debug, Args)]
pub(crate) struct LeaseBreakArgs {
    /// Break a live lease too: only when you know its runner has stopped (a runner still
    /// working would go on beside the next one)
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// A command whose only flags are the database's, on one database or a fleet of them.
#[derive(Debug, Args)]
pub(crate) struct ConnectMany {
    #[command(flatten)]
    pub fleet: FleetArgs,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Many databases in one run.
#[derive(Debug, Args)]
#[command(next_help_heading = "Many databases")]
pub(crate) struct FleetArgs {
    /// Run on every database FILE lists: one URL per line, or `name = url`, either followed by
    /// `schema=NAME` for a tenant's PostgreSQL schema; `#` starts a comment; `${VAR}` is the
    /// environment's VAR (keep passwords out of the file)
    #[arg(long, value_name = "FILE", group = "fleet_list", conflicts_with_all = ["targets_cmd", "database_url"])]
    pub targets: Option<PathBuf>,
    /// As --targets, with the list a command prints (run by `sh -c`), e.g. a service registry
    #[arg(
        long,
        value_name = "CMD",
        group = "fleet_list",
        conflicts_with = "database_url"
    )]
    pub targets_cmd: Option<String>,
    /// With --targets-cmd: stop the command, with every process it started, if it has not
    /// finished after this long, e.g. 2m [default: 60s]
    #[arg(long, requires = "targets_cmd", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub targets_cmd_timeout: Option<Duration>,
    /// With --targets: at most N databases at once
    #[arg(long, requires = "fleet_list", value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..))]
    pub parallel: u64,
    /// With --targets: the first K databases go first, and if one fails the rest are skipped
    #[arg(long, requires = "fleet_list", value_name = "K", default_value_t = 0)]
    pub canary: u64,
    /// With --targets: after a failure, start no new database (stop) or go on (continue)
    /// [default: stop where the command changes databases; continue for current, status, check]
    #[arg(long, requires = "fleet_list", value_enum, value_name = "MODE")]
    pub on_error: Option<OnErrorMode>,
    /// With --targets: record each database's outcome in FILE (JSON lines) as it finishes
    #[arg(long, requires = "fleet_list", value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// With --state: leave out the databases FILE records as done, to continue a run that
    /// failed or was interrupted
    #[arg(long, requires = "state")]
    pub resume: bool,
    /// With --targets: take only shard K of N (0-based), a stable share by name, e.g. 2/8
    #[arg(long, requires = "fleet_list", value_name = "K/N", value_parser = shard, conflicts_with = "shard_from_env")]
    pub shard: Option<(usize, usize)>,
    /// With --targets: take shard JOB_COMPLETION_INDEX of N, as a Kubernetes indexed Job gives it
    #[arg(long, requires = "fleet_list", value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub shard_from_env: Option<u64>,
}

impl FleetArgs {
    /// A list of databases was given.
    pub(crate) fn given(&self) -> bool {
        self.targets.is_some() || self.targets_cmd.is_some()
    }
}

/// `--shard K/N`.
fn shard(text: &str) -> Result<(usize, usize), String> {
    let (k, n) = text
        .split_once('/')
        .ok_or("write the shard as K/N, e.g. 2/8")?;
    let (k, n): (usize, usize) = (
        k.trim()
            .parse()
            .map_err(|_| format!("`{k}` is not a shard number"))?,
        n.trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a number of shards"))?,
    );
    match k < n {
        true => Ok((k, n)),
        false => Err(format!(
            "shard {k} of {n} does not exist: K counts from 0 to N-1"
        )),
    }
}

/// `--on-error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OnErrorMode {
    Stop,
    Continue,
}
