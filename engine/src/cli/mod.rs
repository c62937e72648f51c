//! The command line: clap types and the exit code. Where each setting comes from lives in
//! `settings.rs`; each subcommand lives in `cmd/` and calls the library.

mod cmd;
mod output;
mod settings;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::migration::{Catalog, Embedded};
use crate::runner::interrupt::Interrupt;
use crate::schema::model::Schema;
pub use cmd::migrate::TransactionMode;
pub use output::Printer;
pub(crate) use settings::MigrateFlags;
use settings::{load_env_file, migrations_dir, options, production_guard, runner};

/// Exit code for a usage error (bad flags, a question that needs `--yes`).
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "aurora-migrate",
    version,
    about = "Database migrations embedded in one binary, with Alembic's commands"
)]
#[command(after_help = "Exit codes: 0 success, 1 failure, 2 usage error.")]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Database URL [default: DATABASE_URL, then .env, then sqlite://aurora.db]
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub database_url: Option<String>,
    /// Name of the version table (optionally schema.table)
    #[arg(
        long,
        global = true,
        default_value = "alembic_version",
        value_name = "NAME"
    )]
    pub version_table: String,
    /// Seconds to wait for the database to answer a connection
    #[arg(long, global = true, default_value_t = 10, value_name = "SECONDS")]
    pub connect_timeout: u64,
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Say more (repeat for more detail)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Say only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Keep retrying the first connection this long while the server does not answer (e.g. 30s)
    #[arg(long, global = true, env = "AURORA_WAIT", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub wait: Option<Duration>,
    /// Give up waiting for another runner's lock after this long (e.g. 5m)
    #[arg(long, global = true, env = "AURORA_LOCK_TIMEOUT", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub lock_timeout: Option<Duration>,
    /// The environment; `production` makes reset, downgrade base and stamp require --yes
    #[arg(long = "env", global = true, env = "AURORA_ENV", value_name = "NAME")]
    pub environment: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations up to TARGET
    Upgrade {
        /// head, heads, a revision, +N, REV+N, LABEL@head
        #[arg(default_value = "head")]
        target: String,
        /// MySQL: clear a dirty mark and run that migration again from its first statement
        #[arg(long)]
        force: bool,
        /// per-migration: each migration commits with its bookkeeping; all: the whole run
        /// commits at once or not at all (PostgreSQL, SQLite)
        #[arg(long, value_enum, value_name = "MODE", default_value_t = TransactionMode::PerMigration)]
        transaction: TransactionMode,
    },
    /// Revert migrations down to TARGET
    Downgrade {
        /// base, a revision, -N, REV-N, LABEL@base, LABEL@-N
        #[arg(allow_hyphen_values = true)]
        target: String,
        /// Confirm `downgrade base` where --env production asks for it
        #[arg(long)]
        yes: bool,
        /// MySQL: clear a dirty mark and run that migration again from its first statement
        #[arg(long)]
        force: bool,
        /// per-migration: each migration commits with its bookkeeping; all: the whole run
        /// commits at once or not at all (PostgreSQL, SQLite)
        #[arg(long, value_enum, value_name = "MODE", default_value_t = TransactionMode::PerMigration)]
        transaction: TransactionMode,
    },
    /// Show the revisions the database is at
    Current,
    /// List revisions, marking what is applied and current
    History {
        /// START:END, as base:head, -3:, ae10:, :head, current:
        #[arg(short = 'r', long, allow_hyphen_values = true)]
        rev_range: Option<String>,
    },
    /// Show the head revisions
    Heads,
    /// Show revisions where the graph branches
    Branches,
    /// Show one revision
    Show {
        /// A revision id, prefix, label, head or LABEL@head
        rev: String,
    },
    /// Write a new migration file and print its path
    Create(cmd::author::CreateArgs),
    /// Write a migration that joins several revisions
    Merge(cmd::author::MergeArgs),
    /// Set the version table to TARGET without running migrations
    Stamp {
        #[arg(allow_hyphen_values = true)]
        target: String,
        /// Empty the version table first, even of revisions this build does not know
        #[arg(long)]
        purge: bool,
        /// Confirm where --env production asks for it
        #[arg(long)]
        yes: bool,
    },
    /// Revert everything, then apply everything: drops all data the migrations manage
    Reset {
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
    },
    /// Succeed only if the database is at the heads, every checksum matches and the models agree
    Check {
        /// Compare the models with the migrations in a throwaway database on this server instead
        #[arg(long, value_name = "URL")]
        scratch_url: Option<String>,
    },
}

/// A command's failure: a message and the exit code it earns.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl From<crate::Error> for Failure {
    fn from(error: crate::Error) -> Failure {
        let code = match &error {
            // 128 + the signal number, as shells report a process a signal stopped.
            crate::Error::Interrupted { signal, .. } => 128 + signal,
            _ => 1,
        };
        Failure {
            message: error.to_string(),
            code,
        }
    }
}

/// Errors that are simply reported, with exit code 1.
macro_rules! failure_from {
    ($($error:ty),*) => {$(
        impl From<$error> for Failure {
            fn from(error: $error) -> Failure {
                Failure { message: error.to_string(), code: 1 }
            }
        }
    )*};
}

failure_from!(
    crate::revision::TargetError,
    crate::url::UrlError,
    crate::migration::MigrationError,
    std::io::Error,
    &str,
    String
);

pub type Outcome = Result<(), Failure>;

/// What an application gives the command line.
#[derive(Clone, Copy)]
pub struct Application {
    /// The migrations its build script embedded.
    pub migrations: &'static [Embedded],
    /// The schema its models declare: the target of autogenerate and `check`.
    pub models: fn() -> Schema,
}

/// Runs the command line for `app` and returns its exit code.
pub fn main(app: Application) -> ExitCode {
    let env_file = load_env_file();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 });
        }
    };
    output::init_logging(&cli.global);
    let printer = Printer::new(cli.global.format, cli.global.quiet, cli.global.verbose);
    if let Err(message) = env_file {
        printer.error(&message);
        return ExitCode::from(1);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            printer.error(&format!("cannot start the async runtime: {e}"));
            return ExitCode::from(1);
        }
    };
    let interrupt = Interrupt::new();
    match runtime.block_on(run_until_interrupted(app, cli, &printer, &interrupt)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            printer.error(&failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// Runs the command; on SIGINT/SIGTERM a command that changes the database gets a grace
/// period to roll back and release its lock, others stop at once.
async fn run_until_interrupted(
    app: Application,
    cli: Cli,
    printer: &Printer,
    interrupt: &Interrupt,
) -> Outcome {
    interrupt.listen_for_signals();
    let grace = match cli.command {
        Command::Upgrade { .. }
        | Command::Downgrade { .. }
        | Command::Stamp { .. }
        | Command::Reset { .. } => ROLLBACK_GRACE,
        _ => Duration::ZERO,
    };
    let command = run(app, cli, printer, interrupt.clone());
    tokio::pin!(command);
    tokio::select! {
        result = &mut command => result,
        () = interrupt.wait() => match tokio::time::timeout(grace, &mut command).await {
            Ok(result) => result,
            Err(_) => {
                let signal = interrupt.raised().unwrap_or(2);
                Err(Failure { message: format!("stopped by signal {signal}"), code: 128 + signal })
            }
        },
    }
}

/// How long an interrupted migration may take to roll back before the process exits anyway
/// (closing the connection, which makes the server roll back).
const ROLLBACK_GRACE: Duration = Duration::from_secs(10);

async fn run(app: Application, cli: Cli, printer: &Printer, interrupt: Interrupt) -> Outcome {
    let catalog = Catalog::from_embedded(app.migrations)?;
    // Only the commands that read or change a database connect to one.
    let runner_with = |force: bool, transaction: TransactionMode| {
        let flags = MigrateFlags {
            force,
            transaction: transaction.into(),
        };
        runner(&catalog, &cli.global, printer, &interrupt, flags)
    };
    let database = || runner_with(false, TransactionMode::PerMigration);
    match cli.command {
        Command::Create(args) if args.autogenerate => {
            cmd::autogen::create(&catalog, &(app.models)(), &args, &cli.global, printer).await
        }
        Command::Create(args) => cmd::author::create(&args, printer),
        Command::Merge(args) => cmd::author::merge(&args, printer),
        Command::Heads => cmd::inspect::heads(&catalog, printer),
        Command::Branches => cmd::inspect::branches(&catalog, printer),
        Command::Show { rev } => cmd::inspect::show(&catalog, &rev, printer),
        Command::Upgrade {
            target,
            force,
            transaction,
        } => cmd::migrate::upgrade(&runner_with(force, transaction)?, &target, printer).await,
        Command::Downgrade {
            target,
            yes,
            force,
            transaction,
        } => {
            production_guard(
                &cli.global,
                &format!("downgrade {target}"),
                target.trim() == "base" && !yes,
            )?;
            cmd::migrate::downgrade(&runner_with(force, transaction)?, &target, printer).await
        }
        Command::Stamp { target, purge, yes } => {
            production_guard(&cli.global, "stamp", !yes)?;
            cmd::migrate::stamp(&database()?, &target, purge, printer).await
        }
        Command::Reset { yes } => {
            production_guard(&cli.global, "reset", !yes)?;
            cmd::migrate::reset(&database()?, yes, printer).await
        }
        Command::Current => cmd::inspect::current(&database()?, printer).await,
        Command::History { rev_range } => {
            cmd::inspect::history(&database()?, rev_range.as_deref(), printer).await
        }
        Command::Check {
            scratch_url: Some(url),
        } => {
            cmd::autogen::check_models(&catalog, &(app.models)(), &url, &cli.global, printer).await
        }
        Command::Check { scratch_url: None } => {
            cmd::inspect::check(&database()?, &(app.models)(), printer).await
        }
    }
}
