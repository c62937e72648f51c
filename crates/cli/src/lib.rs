//! The command line of Aurora Migrate, for any program that embeds its migrations: parse,
//! resolve the settings, run one command, print its result or its error, return the exit
//! code. A service gives it an [`App`] (its name, its migrations, its models) and gets the whole
//! command set under its own name:
//!
//! ```no_run
//! # static MIGRATIONS: &[aurora_migrate::Embedded] = &[];
//! fn main() -> std::process::ExitCode {
//!     aurora_migrate_cli::main(aurora_migrate_cli::App::new("myservice", MIGRATIONS))
//! }
//! ```
//!
//! clap types live in `args.rs`, printing in `output.rs`, where settings come from in
//! `settings.rs` (the environment and `.env` in `environment.rs`), each command in `cmd/`;
//! [`reference`] renders the same definition as the user's guide's command reference and as man
//! pages. The engine never imports this crate.

#![deny(missing_docs, unreachable_pub)]

mod app;
mod args;
mod cmd;
mod completion;
mod dispatch;
mod environment;
mod failure;
mod output;
mod program;
pub mod reference;
mod revision_text;
mod settings;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::FromArgMatches;

use aurora_migrate::interrupt::Interrupt;
use aurora_migrate::url::mask;

pub use app::App;
/// The JSON Schema of each document `--format json` prints, by the name of its schema file.
pub use output::documents::schemas as json_schemas;

use args::{Cli, Command, Format};
use failure::{EXIT_USAGE, Failure, Outcome};
use output::Printer;

/// Runs the command line for `app` over the process's arguments and returns its exit code.
pub fn main(app: App) -> ExitCode {
    run(app, std::env::args_os())
}

/// Runs the command line for `app` over `args` (the first is the program's name, as in
/// `std::env::args_os`): for a service whose own command line hands `migrate ...` over.
///
/// It blocks the calling thread until the command ends, and may be called from any thread,
/// with or without an async runtime: a command runs on a runtime of its own, and on a thread
/// of its own when the calling thread belongs to a tokio runtime (where blocking on another
/// runtime would panic). From async code, call it through `tokio::task::spawn_blocking` so that it does
/// not hold one of the runtime's workers for the command's length. It reads `.env` from the
/// working directory but never changes the process's environment.
pub fn run<I, T>(app: App, args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let parsed = program::command(app.name)
        .try_get_matches_from(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e, &args),
    };
    output::init_logging(&cli.output);
    let mut printer = Printer::new(&cli.output, app.name);
    if cli.version {
        return exit(cmd::meta::version(&app, &printer), &printer);
    }
    let Some(command) = cli.command else {
        let _ = program::command(app.name).print_help();
        return ExitCode::from(EXIT_USAGE);
    };
    if matches!(cli.output.format, Format::Dot | Format::Mermaid)
        && !matches!(command, Command::Graph(_))
    {
        let failure = Failure::usage(
            "usage",
            "--format dot and --format mermaid are for `graph`; other commands print text or json",
        );
        return exit(Err(failure), &printer);
    }
    if let Command::Completions { shell } = command {
        cmd::meta::completions(app.name, shell);
        return ExitCode::SUCCESS;
    }
    let environment = match environment::Environment::load() {
        Ok(environment) => environment,
        Err(failure) => return exit(Err(failure), &printer),
    };
    let outcome = match tokio::runtime::Handle::try_current() {
        // Blocking on a runtime from a thread that belongs to another one panics.
        Ok(_) => std::thread::scope(|scope| {
            let printer = &mut printer;
            std::thread::Builder::new()
                .name("aurora-migrate".into())
                .spawn_scoped(scope, move || {
                    execute(app, cli.database, environment, printer, command)
                })
                .map_err(|e| Failure::new("runtime", format!("cannot start a thread: {e}")))?
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        }),
        Err(_) => execute(app, cli.database, environment, &mut printer, command),
    };
    exit(outcome, &printer)
}

/// Runs the command on a current-thread runtime of its own, blocking until it ends. The
/// printer is lent uniquely: it may go to another thread, which a shared `Printer` may not.
fn execute(
    app: App,
    outer: args::DatabaseArgs,
    environment: environment::Environment,
    printer: &mut Printer,
    command: Command,
) -> Outcome {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new("runtime", format!("cannot start the async runtime: {e}")))?;
    let interrupt = Interrupt::new();
    let context = dispatch::Context {
        app,
        outer,
        environment,
        printer,
        interrupt: &interrupt,
    };
    runtime.block_on(dispatch::run_until_interrupted(&context, command))
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
fn usage_error(error: &clap::Error, args: &[OsString]) -> ExitCode {
    if !error.use_stderr() {
        // --help: not an error.
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let text = hide_urls(&mask(&error.render().to_string()));
    eprint!("{text}");
    let json = args
        .windows(2)
        .any(|pair| pair[0] == "--format" && pair[1] == "json")
        || args.iter().any(|a| a == "--format=json");
    if json {
        let message = text
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ");
        let document = output::documents::Error {
            error: output::documents::ErrorBody {
                code: "usage".into(),
                message: message.into(),
                exit_code: EXIT_USAGE,
            },
        };
        println!("{}", serde_json::to_value(document).unwrap_or_default());
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
