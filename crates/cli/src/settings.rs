//! Where each setting comes from (a flag after the command, the same flag before it, the
//! environment, `.env`, the default), and the production rule. Must not import a command.

use std::time::Duration;

use super::args::{DatabaseArgs, LockKind, StatementLockTimeout, StepArgs, bounds};
use super::environment::{ENV_FILE, Environment};
use super::failure::Failure;
use super::output::Printer;
use aurora_migrate::Catalog;
use aurora_migrate::interrupt::Interrupt;
use aurora_migrate::migrations::hint::{Command, Hint};
use aurora_migrate::runner::{
    DEFAULT_LEASE, Durability, LONGEST_LEASE, Lock, LockRetries, Options, Runner, SHORTEST_LEASE,
    Transaction,
};
use aurora_migrate::url::DatabaseUrl;
use clap::ValueEnum as _;

/// `production` or `prod`, in any case, with surrounding spaces ignored.
pub(crate) fn is_production(environment: Option<&str>) -> bool {
    environment.is_some_and(|name| {
        let name = name.trim();
        name.eq_ignore_ascii_case("production") || name.eq_ignore_ascii_case("prod")
    })
}

/// The settings of a command that connects, every source considered.
pub(crate) struct Resolved {
    pub url: DatabaseUrl,
    pub options: Options,
    pub production: bool,
}

/// Resolves the database settings, announcing a fallback to the default database even with
/// `-q`, and refusing one in production.
pub(crate) fn resolve(
    flags: &DatabaseArgs,
    variables: &Environment,
    default: Option<&str>,
    printer: &Printer,
) -> Result<Resolved, Failure> {
    let environment = flags
        .environment
        .clone()
        .or_else(|| variables.var("AURORA_ENV"));
    let production = is_production(environment.as_deref());
    let from_environment = variables
        .var("DATABASE_URL")
        .filter(|u| !u.trim().is_empty());
    let (text, source) = match (&flags.database_url, from_environment) {
        (Some(url), _) => (url.clone(), "flag"),
        (None, Some(url)) if variables.comes_from_file("DATABASE_URL") => (url, ".env"),
        (None, Some(url)) => (url, "environment"),
        (None, None) => match default {
            Some(default) if production => {
                return Err(Failure::usage(
                    "no_database_url",
                    format!(
                        "no database URL is set and the environment is production ({}): set --database-url or DATABASE_URL; \
                         there is no fallback to {default} in production",
                        environment.as_deref().unwrap_or_default().trim()
                    ),
                ));
            }
            Some(default) => {
                printer.announce(&format!(
                    "note: using the default database {default}: no --database-url, DATABASE_URL or {ENV_FILE} entry names one"
                ));
                (default.to_string(), "default")
            }
            None => {
                return Err(Failure::usage(
                    "no_database_url",
                    "no database URL is set: set --database-url or DATABASE_URL (or DATABASE_URL in .env)",
                ));
            }
        },
    };
    let url = DatabaseUrl::parse(&text)?;
    printer.set_database(&url, source);
    let (options, production) = options(flags, variables)?;
    Ok(Resolved {
        url,
        options,
        production,
    })
}

/// The settings besides the URL: the bookkeeping and timeouts, and whether it is production.
pub(crate) fn options(
    flags: &DatabaseArgs,
    variables: &Environment,
) -> Result<(Options, bool), Failure> {
    let environment = flags
        .environment
        .clone()
        .or_else(|| variables.var("AURORA_ENV"));
    let production = is_production(environment.as_deref());
    let options = Options::default()
        .with_wait(duration(
            flags.wait,
            variables,
            "AURORA_WAIT",
            Some(&bounds::WAIT),
        )?)
        .with_lock_timeout(duration(
            flags.lock_timeout,
            variables,
            "AURORA_LOCK_TIMEOUT",
            Some(&bounds::LOCK_TIMEOUT),
        )?)
        .with_version_table(
            flags
                .version_table
                .clone()
                .unwrap_or_else(|| "alembic_version".into()),
        )
        .with_connect_timeout(Duration::from_secs(flags.connect_timeout.unwrap_or(10)))
        .with_lock(lock(flags, variables)?);
    Ok((options, production))
}

/// The lock `--lock` and `--lease` (or AURORA_LOCK and AURORA_LEASE) ask for.
fn lock(flags: &DatabaseArgs, variables: &Environment) -> Result<Lock, Failure> {
    let kind = match (flags.lock, variables.var("AURORA_LOCK")) {
        (Some(kind), _) => kind,
        (None, Some(text)) if !text.trim().is_empty() => {
            match LockKind::from_str(text.trim(), true) {
                Ok(kind) => kind,
                Err(_) => {
                    return Err(Failure::usage(
                        "invalid_setting",
                        "AURORA_LOCK is neither `advisory` nor `lease`",
                    ));
                }
            }
        }
        _ => LockKind::Advisory,
    };
    let duration = duration(flags.lease, variables, "AURORA_LEASE", None)?.unwrap_or(DEFAULT_LEASE);
    if duration < SHORTEST_LEASE {
        return Err(Failure::usage(
            "invalid_setting",
            "a lease shorter than 1s would expire between its renewals; give --lease 1s or more",
        ));
    }
    if duration > LONGEST_LEASE {
        let freed = Hint::text(
            "a runner that stops is taken over once its lease expires, or freed at once by ",
        )
        .then_run(Command::Lease, ["break"]);
        return Err(Failure::usage(
            "invalid_setting",
            format!(
                "a lease of {} would keep a dead runner's successor waiting that long; give --lease {} or less",
                humantime::format_duration(duration),
                humantime::format_duration(LONGEST_LEASE)
            ),
        )
        .with_hint(freed));
    }
    if flags.lease.is_some() && kind != LockKind::Lease {
        return Err(Failure::usage(
            "invalid_setting",
            "--lease sets the length of the lease lock: add --lock lease, or leave --lease out",
        ));
    }
    Ok(match kind {
        LockKind::Advisory => Lock::Advisory,
        LockKind::Lease => Lock::Lease { duration },
    })
}

/// A duration from its flag, or else from its environment variable, within `span` where one
/// is given (the flag's parser has checked a flag's value).
fn duration(
    flag: Option<Duration>,
    variables: &Environment,
    variable: &str,
    span: Option<&bounds::Span>,
) -> Result<Option<Duration>, Failure> {
    if flag.is_some() {
        return Ok(flag);
    }
    match variables.var(variable) {
        Some(text) if !text.trim().is_empty() => match span {
            Some(span) => span.parse(&text),
            None => humantime::parse_duration(text.trim())
                .map_err(|e| format!("not a duration ({e}); write e.g. 30s or 5m")),
        }
        .map(Some)
        .map_err(|e| Failure::usage("invalid_setting", format!("{variable}: {e}"))),
        _ => Ok(None),
    }
}

/// The flags of a command that runs migrations.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct MigrateFlags {
    pub force: bool,
    pub transaction: Transaction,
    pub durability: Durability,
    /// At most this many migrations in one message (PostgreSQL); 0: the engine's default.
    pub pipeline: usize,
    pub refuse_data_loss: bool,
    pub statement_locks: LockRetries,
    /// When an upgrade runs the backfills of what it applies.
    pub backfills: aurora_migrate::runner::Backfills,
    /// Run the batches a gated revision waits for, instead of refusing it.
    pub run_backfills: bool,
}

/// The flags of an `upgrade` or `downgrade`; `refuse_data_loss` as production asks.
pub(crate) fn migrate_flags(steps: &StepArgs, refuse_data_loss: bool) -> MigrateFlags {
    MigrateFlags {
        force: steps.force,
        transaction: steps.transaction.into(),
        durability: steps.durability.into(),
        pipeline: steps.pipeline.into(),
        refuse_data_loss,
        statement_locks: statement_locks(steps.statement_lock_timeout, steps.lock_retries),
        ..MigrateFlags::default()
    }
}

/// The lock retries `--statement-lock-timeout` and `--lock-retries` ask for.
pub(crate) fn statement_locks(
    timeout: Option<StatementLockTimeout>,
    retries: Option<u32>,
) -> LockRetries {
    let default = LockRetries::default();
    LockRetries {
        first: match timeout {
            None => default.first,
            Some(StatementLockTimeout::Off) => None,
            Some(StatementLockTimeout::First(duration)) => Some(duration),
        },
        retries: retries.unwrap_or(default.retries),
    }
}

/// A runner over `catalog` with the resolved settings.
pub(crate) fn runner<'c>(
    catalog: &'c Catalog,
    resolved: &Resolved,
    interrupt: &Interrupt,
    flags: MigrateFlags,
) -> Result<Runner<'c>, Failure> {
    Ok(Runner::new(
        catalog,
        resolved.url.clone(),
        resolved
            .options
            .clone()
            .with_interrupt(interrupt.clone())
            .with_force(flags.force)
            .with_transaction(flags.transaction)
            .with_durability(flags.durability)
            .with_pipeline(match flags.pipeline {
                0 => Options::default().pipeline,
                n => n,
            })
            .with_refuse_data_loss(flags.refuse_data_loss)
            .with_statement_locks(flags.statement_locks)
            .with_backfills(flags.backfills)
            .with_run_backfills(flags.run_backfills),
    )?)
}
