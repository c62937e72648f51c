//! The command line: parse, resolve the settings, run one command, print its result or its
//! error, return the exit code. clap types live in `args.rs`, printing in `output.rs`, where
//! settings come from in `settings.rs`, each command in `cmd/`. The library never imports it.

mod args;
mod cmd;
mod failure;
mod output;
mod revision_text;
mod settings;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{CommandFactory, Parser};

pub use args::{Cli, Command, DatabaseArgs, Format, TransactionMode};
pub use failure::{EXIT_USAGE, Failure, Outcome};
pub use output::Printer;

use crate::migration::{Catalog, Embedded};
use crate::runner::interrupt::Interrupt;
use crate::schema::model::Schema;
use crate::url::Secrets;
use settings::{EnvFile, MigrateFlags, Resolved, runner};

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
    let secrets = Arc::new(settings::secrets());
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e, &secrets),
    };
    output::init_logging(&cli.output, Arc::clone(&secrets));
    let printer = Printer::new(&cli.output, secrets);
    if cli.version {
        return exit(cmd::meta::version(&app, &printer), &printer);
    }
    let Some(command) = cli.command else {
        let _ = Cli::command().print_help();
        return ExitCode::from(EXIT_USAGE);
    };
    if let Command::Completions { shell } = command {
        cmd::meta::completions(shell);
        return ExitCode::SUCCESS;
    }
    let env_file = match settings::load_env_file() {
        Ok(file) => file,
        Err(failure) => return exit(Err(failure), &printer),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let failure = Failure::new("runtime", format!("cannot start the async runtime: {e}"));
            return exit(Err(failure), &printer);
        }
    };
    let interrupt = Interrupt::new();
    let context = Context {
        app,
        outer: cli.database,
        env_file,
        printer: &printer,
        interrupt: &interrupt,
    };
    let outcome = runtime.block_on(run_until_interrupted(&context, command));
    exit(outcome, &printer)
}

fn exit(outcome: Outcome, printer: &Printer) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            printer.error(&failure);
            ExitCode::from(failure.exit)
        }
    }
}

/// clap's own error, scrubbed; with `--format json` also as a JSON document on stdout.
fn usage_error(error: &clap::Error, secrets: &Secrets) -> ExitCode {
    if !error.use_stderr() {
        // --help: not an error.
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let text = hide_urls(&secrets.scrub(&error.render().to_string()));
    eprint!("{text}");
    let json = std::env::args()
        .collect::<Vec<_>>()
        .windows(2)
        .any(|pair| pair[0] == "--format" && pair[1] == "json")
        || std::env::args().any(|a| a == "--format=json");
    if json {
        let message = text
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ");
        println!(
            "{}",
            serde_json::json!({ "error": { "code": "usage", "message": message, "exit_code": EXIT_USAGE } })
        );
    }
    ExitCode::from(EXIT_USAGE)
}

/// clap quotes a bad value whole: one that looks like a URL may hold a password anywhere.
fn hide_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, part) in text.split('\'').enumerate() {
        if i > 0 {
            out.push('\'');
        }
        let quoted = i % 2 == 1;
        if quoted && (part.contains("://") || (part.contains(':') && part.contains('@'))) {
            out.push_str("(a URL, not shown)");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// What every command may need besides its own arguments.
struct Context<'a> {
    app: Application,
    /// Database flags given before the command.
    outer: DatabaseArgs,
    env_file: EnvFile,
    printer: &'a Printer,
    interrupt: &'a Interrupt,
}

impl Context<'_> {
    fn resolve(&self, flags: &DatabaseArgs) -> Result<Resolved, Failure> {
        settings::resolve(&flags.or(&self.outer), &self.env_file, self.printer)
    }

    /// A runner with the resolved settings and the command's flags, which may depend on them.
    fn runner<'c>(
        &self,
        catalog: &'c Catalog,
        flags: &DatabaseArgs,
        migrate: impl FnOnce(&Resolved) -> MigrateFlags,
    ) -> Result<(Resolved, crate::runner::Runner<'c>), Failure> {
        let resolved = self.resolve(flags)?;
        let runner = runner(catalog, &resolved, self.interrupt, migrate(&resolved))?;
        Ok((resolved, runner))
    }
}

/// Runs the command; on SIGINT/SIGTERM a command that changes the database gets a grace
/// period to roll back and release its lock, others stop at once.
async fn run_until_interrupted(context: &Context<'_>, command: Command) -> Outcome {
    context.interrupt.listen_for_signals();
    let grace = match command.changes_the_database() {
        true => ROLLBACK_GRACE,
        false => Duration::ZERO,
    };
    let running = run(context, command);
    tokio::pin!(running);
    tokio::select! {
        result = &mut running => result,
        () = context.interrupt.wait() => match tokio::time::timeout(grace, &mut running).await {
            Ok(result) => result,
            Err(_) => {
                let signal = context.interrupt.raised().unwrap_or(2);
                Err(Failure { message: format!("stopped by signal {signal}"), code: "interrupted", exit: 128 + signal })
            }
        },
    }
}

/// How long an interrupted migration may take to roll back before the process exits anyway
/// (closing the connection, which makes the server roll back).
const ROLLBACK_GRACE: Duration = Duration::from_secs(10);

async fn run(context: &Context<'_>, command: Command) -> Outcome {
    let catalog = Catalog::from_embedded(context.app.migrations)?;
    let printer = context.printer;
    let models = context.app.models;
    let plain = |_: &Resolved| MigrateFlags::default();
    match command {
        Command::Heads => cmd::inspect::heads(&catalog, printer),
        Command::Branches => cmd::inspect::branches(&catalog, printer),
        Command::Show { rev } => cmd::inspect::show(&catalog, &rev, printer),
        Command::Merge(args) => cmd::author::merge(&catalog, &args, printer),
        Command::Create(args) if args.autogenerate => {
            let resolved = context.resolve(&args.database)?;
            cmd::autogen::create(&catalog, &models(), &args, &resolved, printer).await
        }
        Command::Create(args) => cmd::author::create(&catalog, &args, printer),
        Command::Upgrade(args) => {
            let (_, runner) = context.runner(&catalog, &args.database, |_| MigrateFlags {
                force: args.force,
                transaction: args.transaction.into(),
                refuse_data_loss: false,
            })?;
            cmd::migrate::upgrade(&runner, &args.target, printer).await
        }
        Command::Downgrade(args) => {
            let (_, runner) =
                context.runner(&catalog, &args.database, |resolved| MigrateFlags {
                    force: args.force,
                    transaction: args.transaction.into(),
                    refuse_data_loss: resolved.production && !args.yes,
                })?;
            cmd::migrate::downgrade(&runner, &args.target, printer).await
        }
        Command::Stamp(args) => {
            let (resolved, runner) = context.runner(&catalog, &args.database, plain)?;
            confirmed_in_production(&resolved, args.yes, "stamp")?;
            cmd::migrate::stamp(&runner, &args.target, args.purge, printer).await
        }
        Command::Reset(args) => {
            let (resolved, runner) = context.runner(&catalog, &args.database, plain)?;
            confirmed_in_production(&resolved, args.yes, "reset")?;
            cmd::migrate::reset(&runner, args.yes, printer).await
        }
        Command::Current(args) => {
            let (_, runner) = context.runner(&catalog, &args.database, plain)?;
            cmd::inspect::current(&runner, printer).await
        }
        Command::Status(args) => {
            let (_, runner) = context.runner(&catalog, &args.database, plain)?;
            cmd::status::status(&runner, printer).await
        }
        Command::History(args) => {
            let (_, runner) = context.runner(&catalog, &args.database, plain)?;
            cmd::inspect::history(&runner, args.rev_range.as_deref(), printer).await
        }
        Command::Check(args) => match &args.scratch_url {
            Some(url) => {
                let resolved = context.resolve(&args.database)?;
                cmd::autogen::check_models(&catalog, &models(), url, &resolved, printer).await
            }
            None => {
                let (_, runner) = context.runner(&catalog, &args.database, plain)?;
                cmd::check::check(&runner, &models(), printer).await
            }
        },
        Command::Completions { .. } => Ok(()),
    }
}

/// In production, `stamp` and `reset` change what the database is known to hold: `--yes`
/// must say so.
fn confirmed_in_production(resolved: &Resolved, yes: bool, command: &str) -> Outcome {
    if resolved.production && !yes {
        return Err(Failure::usage(
            "confirmation_required",
            format!(
                "`{command}` in production (--env / AURORA_ENV) needs --yes to confirm; nothing was changed"
            ),
        ));
    }
    Ok(())
}
