//! Runs one command: resolves its settings, builds its runner, and calls it; a signal gives a
//! command that changes the database a grace period to roll back. Must not print by itself.

use std::time::Duration;

use aurora_migrate::interrupt::Interrupt;
use aurora_migrate::{Catalog, Direction};

use super::app::App;
use super::args::{
    AdoptFrom, Command, DatabaseArgs, Dialect, ImportFrom, LeaseAction, ScratchCommand,
    TransactionMode,
};
use super::cmd;
use super::environment::Environment;
use super::failure::{Failure, Outcome};
use super::output::Printer;
use super::settings::{self, MigrateFlags, Resolved, runner};

/// What every command may need besides its own arguments.
pub(crate) struct Context<'a> {
    pub app: App,
    /// Database flags given before the command.
    pub outer: DatabaseArgs,
    /// The environment, with `.env` beneath it.
    pub environment: Environment,
    pub printer: &'a Printer,
    pub interrupt: &'a Interrupt,
}

impl Context<'_> {
    fn resolve(&self, flags: &DatabaseArgs) -> Result<Resolved, Failure> {
        settings::resolve(
            &flags.or(&self.outer),
            &self.environment,
            self.app.default_database,
            self.printer,
        )
    }

    /// Whether a database URL is given, by a flag, the environment or `.env`, leaving out the
    /// program's default database.
    fn names_a_database(&self, flags: &DatabaseArgs) -> bool {
        flags.or(&self.outer).database_url.is_some()
            || self
                .environment
                .var("DATABASE_URL")
                .is_some_and(|u| !u.trim().is_empty())
    }

    /// A runner with the resolved settings and the command's flags, which may depend on them.
    fn runner<'c>(
        &self,
        catalog: &'c Catalog,
        flags: &DatabaseArgs,
        migrate: impl FnOnce(&Resolved) -> MigrateFlags,
    ) -> Result<(Resolved, aurora_migrate::runner::Runner<'c>), Failure> {
        let resolved = self.resolve(flags)?;
        let runner = runner(catalog, &resolved, self.interrupt, migrate(&resolved))?;
        Ok((resolved, runner))
    }
}

/// Runs the command; on SIGINT/SIGTERM a command that changes the database gets a grace
/// period to roll back and release its lock, one that made a throwaway database to drop it,
/// others stop at once.
pub(crate) async fn run_until_interrupted(context: &Context<'_>, command: Command) -> Outcome {
    context.interrupt.listen_for_signals();
    // A fleet, even one that only reads, gets it too: it records each database and reports.
    let graced =
        command.changes_the_database() || command.makes_scratch() || command.fleet().is_some();
    let grace = match graced {
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
                Err(Failure { message: format!("stopped by signal {signal}"), hint: None, code: "interrupted", exit: 128 + signal })
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
    let models = context.app.models.map(|models| models());
    let plain = |_: &Resolved| MigrateFlags::default();
    // What most commands take: a runner with the resolved settings and no migrate flags.
    let connect = |flags: &DatabaseArgs| {
        context
            .runner(&catalog, flags, plain)
            .map(|(_, runner)| runner)
    };
    if let Some(request) = cmd::fleet::request(&command, models.as_ref())? {
        return fleet(context, &catalog, request).await;
    }
    match command {
        Command::Heads => cmd::inspect::heads(&catalog, printer),
        Command::Branches => cmd::inspect::branches(&catalog, printer),
        Command::Show { rev } => cmd::inspect::show(&catalog, &rev, printer),
        Command::Merge(args) => cmd::author::merge(&catalog, &args, printer),
        Command::Import(ImportFrom::Alembic(args)) => {
            cmd::import::alembic(&args, &context.environment, printer)
        }
        Command::Create(args) if args.autogenerate => {
            let resolved = context.resolve(&args.database)?;
            let interrupt = context.interrupt;
            cmd::autogen::create(
                &catalog,
                models.as_ref(),
                &args,
                &resolved,
                interrupt,
                printer,
            )
            .await
        }
        Command::Create(args) => cmd::author::create(&catalog, &args, printer),
        Command::Upgrade(args) if args.sql => {
            let request = (
                Direction::Upgrade,
                args.target.as_str(),
                args.steps.transaction,
            );
            offline(context, &catalog, request, args.dialect, &args.database)
        }
        Command::Downgrade(args) if args.sql => {
            let request = (
                Direction::Downgrade,
                args.target.as_str(),
                args.steps.transaction,
            );
            offline(context, &catalog, request, args.dialect, &args.database)
        }
        Command::Upgrade(args) => {
            let flags = |_: &Resolved| settings::MigrateFlags {
                backfills: match args.defer_backfills {
                    true => aurora_migrate::runner::Backfills::Defer,
                    false => aurora_migrate::runner::Backfills::Inline,
                },
                run_backfills: args.run_backfills,
                ..settings::migrate_flags(&args.steps, false)
            };
            let (_, runner) = context.runner(&catalog, &args.database, flags)?;
            cmd::migrate::upgrade(&runner, &args.target, printer).await?;
            match &args.dump {
                Some(path) => cmd::dump::refresh(&runner, path, printer).await,
                None => Ok(()),
            }
        }
        Command::Test(args) => {
            let scratch = match &args.scratch_url {
                Some(url) => Some(aurora_migrate::DatabaseUrl::parse(url)?),
                None => None,
            };
            let interrupt = context.interrupt;
            cmd::stairway::test(
                &catalog,
                models.as_ref(),
                scratch.as_ref(),
                interrupt,
                printer,
            )
            .await
        }
        Command::Scratch(ScratchCommand::Clean(args)) => {
            let (_, production) = settings::options(&context.outer, &context.environment)?;
            cmd::scratch::clean(&args, production, printer).await
        }
        Command::Lint(args) => {
            let runner = match context.names_a_database(&args.database) || args.with_stats {
                true => Some(connect(&args.database)?),
                false => None,
            };
            cmd::lint::lint(&catalog, &args, runner.as_ref(), printer).await
        }
        Command::Dump(args) => {
            let runner = connect(&args.database)?;
            match &args.check {
                Some(path) => cmd::dump::check(&runner, path, printer).await,
                None => cmd::dump::dump(&runner, args.output.as_deref(), printer).await,
            }
        }
        Command::Downgrade(args) => {
            let flags = |resolved: &Resolved| {
                settings::migrate_flags(&args.steps, resolved.production && !args.yes)
            };
            let (_, runner) = context.runner(&catalog, &args.database, flags)?;
            cmd::migrate::downgrade(&runner, &args.target, printer).await
        }
        Command::Stamp(args) => {
            let (resolved, runner) = context.runner(&catalog, &args.database, plain)?;
            confirmed_in_production(resolved.production, args.yes, "stamp")?;
            cmd::migrate::stamp(&runner, &args.target, args.purge, printer).await
        }
        Command::Repair(command) => {
            let (action, args) = command.parts();
            let (resolved, runner) = context.runner(&catalog, &args.database, plain)?;
            if !args.dry_run {
                confirmed_in_production(resolved.production, args.yes, "repair")?;
            }
            cmd::repair::repair(&runner, action, args, printer).await
        }
        Command::Backfill(command) => {
            let (_, runner) = context.runner(&catalog, command.database(), plain)?;
            cmd::backfill::backfill(&runner, &command, printer).await
        }
        Command::Reset(args) => {
            let (resolved, runner) = context.runner(&catalog, &args.database, plain)?;
            confirmed_in_production(resolved.production, args.yes, "reset")?;
            cmd::migrate::reset(&runner, args.yes, printer).await
        }
        Command::Squash(args) => {
            cmd::dump::squash(&catalog, &args, context.interrupt, printer).await
        }
        Command::Baseline(args) => {
            cmd::dump::baseline(&connect(&args.database)?, &args, printer).await
        }
        Command::Adopt(AdoptFrom::Refinery(args)) => {
            cmd::migrate::adopt_refinery(&connect(&args.database)?, printer).await
        }
        Command::Current(args) => cmd::inspect::current(&connect(&args.database)?, printer).await,
        Command::Lease(LeaseAction::Show(args)) => {
            cmd::lease::show(&connect(&args.database)?, printer).await
        }
        Command::Lease(LeaseAction::Break(args)) => {
            cmd::lease::break_lease(&connect(&args.database)?, args.force, printer).await
        }
        Command::Status(args) => cmd::status::status(&connect(&args.database)?, printer).await,
        Command::History(args) => {
            let runner = connect(&args.database)?;
            match args.graph {
                true => cmd::graph::history(&runner, printer).await,
                false => cmd::inspect::history(&runner, args.rev_range.as_deref(), printer).await,
            }
        }
        Command::Graph(args) => {
            // A database marks the picture only when one is named: no fallback to the default.
            let status = match context.names_a_database(&args.database) {
                true => Some(connect(&args.database)?.records().await?),
                false => None,
            };
            cmd::graph::graph(&catalog, status.as_ref(), printer.format(), printer)
        }
        Command::Check(args) => match &args.scratch_url {
            Some(url) => {
                let resolved = context.resolve(&args.database)?;
                let interrupt = context.interrupt;
                let models = models.as_ref();
                cmd::autogen::check_models(&catalog, models, url, &resolved, interrupt, printer)
                    .await
            }
            None => {
                let runner = connect(&args.database)?;
                cmd::check::check(&runner, models.as_ref(), args.lint, printer).await
            }
        },
        Command::Completions { .. } => Ok(()),
    }
}

/// A command run on every database of a fleet, with the settings every one shares.
async fn fleet(
    context: &Context<'_>,
    catalog: &Catalog,
    request: cmd::fleet::Request<'_>,
) -> Outcome {
    let (options, production) =
        settings::options(&request.database.or(&context.outer), &context.environment)?;
    if let Some((command, yes)) = request.confirm_in_production {
        confirmed_in_production(production, yes, command)?;
    }
    let list = cmd::fleet::targets(request.fleet, &context.environment, context.interrupt).await?;
    let settings = cmd::fleet::Settings {
        options,
        production,
        flags: MigrateFlags {
            refuse_data_loss: production && request.guard_in_production,
            ..request.flags
        },
        interrupt: context.interrupt,
        what: request.what,
    };
    cmd::fleet::run(
        catalog,
        &list,
        request.fleet,
        settings,
        &request.job,
        context.printer,
    )
    .await
}

/// `--sql`: the script for the dialect given, or else for the database URL's; nothing connects.
fn offline(
    context: &Context<'_>,
    catalog: &Catalog,
    (direction, range, transaction): (Direction, &str, TransactionMode),
    dialect: Option<Dialect>,
    flags: &DatabaseArgs,
) -> Outcome {
    let flags = flags.or(&context.outer);
    let database = match dialect {
        Some(dialect) => dialect.into(),
        None => context.resolve(&flags)?.url.kind(),
    };
    let request = cmd::offline::Request {
        direction,
        range,
        database,
        version_table: flags.version_table.as_deref().unwrap_or("alembic_version"),
        transaction: transaction.into(),
    };
    cmd::offline::script(catalog, &request, context.printer)
}

/// In production, `stamp` and `reset` change what the database is known to hold: `--yes`
/// must say so.
fn confirmed_in_production(production: bool, yes: bool, command: &str) -> Outcome {
    if production && !yes {
        return Err(Failure::usage(
            "confirmation_required",
            format!(
                "`{command}` in production (--env / AURORA_ENV) needs --yes to confirm; nothing was changed"
            ),
        ));
    }
    Ok(())
}
