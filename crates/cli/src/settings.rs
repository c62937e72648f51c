//! Where each setting comes from (a flag after the command, the same flag before it, the
//! environment, `.env`, the default), and the production rule. Must not import a command.

use std::collections::HashSet;
use std::time::Duration;

use super::args::{DatabaseArgs, LockKind, StatementLockTimeout, StepArgs, bounds};
use super::failure::Failure;
use super::output::Printer;
use aurora_migrate::Catalog;
use aurora_migrate::interrupt::Interrupt;
use aurora_migrate::runner::{
    DEFAULT_LEASE, Durability, LONGEST_LEASE, Lock, LockRetries, Options, Runner, SHORTEST_LEASE,
    Transaction,
};
use aurora_migrate::url::DatabaseUrl;
use clap::ValueEnum as _;

const ENV_FILE: &str = ".env";

/// The variables `.env` set (those the environment did not already have).
#[derive(Debug, Default)]
pub struct EnvFile {
    pub set: HashSet<String>,
}

/// Loads `.env` from the working directory, all or nothing; variables already set win. A
/// line that does not parse is named by its number and fault, never echoed.
pub fn load_env_file() -> Result<EnvFile, Failure> {
    let entries = match dotenvy::from_path_iter(ENV_FILE) {
        Ok(iter) => iter.collect::<Result<Vec<_>, _>>(),
        Err(e) if e.not_found() => return Ok(EnvFile::default()),
        Err(e) => Err(e),
    };
    let entries = entries.map_err(|e| Failure::new("env_file", env_file_fault(&e)))?;
    let mut file = EnvFile::default();
    for (key, value) in entries {
        if std::env::var_os(&key).is_none() {
            // SAFETY: called once at start, before the runtime or any other thread exists.
            unsafe { std::env::set_var(&key, value) };
            file.set.insert(key);
        }
    }
    Ok(file)
}

/// What is wrong with `.env` and where, in words that quote none of it.
fn env_file_fault(error: &dotenvy::Error) -> String {
    let dotenvy::Error::LineParse(logical_line, _) = error else {
        let what = match error {
            dotenvy::Error::Io(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                "it is not valid UTF-8".to_string()
            }
            dotenvy::Error::Io(e) => e.kind().to_string(),
            _ => "it cannot be read".to_string(),
        };
        return format!("cannot read {ENV_FILE}: {what}; fix the file or remove it");
    };
    let text = std::fs::read_to_string(ENV_FILE).unwrap_or_default();
    let first = logical_line.lines().next().unwrap_or_default().trim_end();
    let number = text
        .lines()
        .position(|line| line.trim_end() == first)
        .map_or_else(|| "a line".to_string(), |i| format!("line {}", i + 1));
    let quotes = |q: char| logical_line.chars().filter(|&c| c == q).count() % 2 == 1;
    let fault = if quotes('"') || quotes('\'') {
        "unclosed quote"
    } else if !logical_line.contains('=') {
        "expected NAME=value"
    } else {
        "the name or the quoting is not valid (NAME=value, NAME=\"value\", NAME='value')"
    };
    format!("{number} of {ENV_FILE}: {fault}; fix the file or remove it")
}

/// `production` or `prod`, in any case, with surrounding spaces ignored.
pub fn is_production(environment: Option<&str>) -> bool {
    environment.is_some_and(|name| {
        let name = name.trim();
        name.eq_ignore_ascii_case("production") || name.eq_ignore_ascii_case("prod")
    })
}

/// The settings of a command that connects, every source considered.
pub struct Resolved {
    pub url: DatabaseUrl,
    pub options: Options,
    pub production: bool,
}

/// Resolves the database settings, announcing a fallback to the default database even with
/// `-q`, and refusing one in production.
pub fn resolve(
    flags: &DatabaseArgs,
    env_file: &EnvFile,
    default: Option<&str>,
    printer: &Printer,
) -> Result<Resolved, Failure> {
    let environment = flags
        .environment
        .clone()
        .or_else(|| std::env::var("AURORA_ENV").ok());
    let production = is_production(environment.as_deref());
    let from_environment = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    let (text, source) = match (&flags.database_url, from_environment) {
        (Some(url), _) => (url.clone(), "flag"),
        (None, Some(url)) if env_file.set.contains("DATABASE_URL") => (url, ".env"),
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
    let (options, production) = options(flags)?;
    Ok(Resolved {
        url,
        options,
        production,
    })
}

/// The settings besides the URL: the bookkeeping and timeouts, and whether it is production.
pub fn options(flags: &DatabaseArgs) -> Result<(Options, bool), Failure> {
    let environment = flags
        .environment
        .clone()
        .or_else(|| std::env::var("AURORA_ENV").ok());
    let production = is_production(environment.as_deref());
    let options = Options {
        wait: duration(flags.wait, "AURORA_WAIT", Some(&bounds::WAIT))?,
        lock_timeout: duration(
            flags.lock_timeout,
            "AURORA_LOCK_TIMEOUT",
            Some(&bounds::LOCK_TIMEOUT),
        )?,
        version_table: flags
            .version_table
            .clone()
            .unwrap_or_else(|| "alembic_version".into()),
        connect_timeout: Duration::from_secs(flags.connect_timeout.unwrap_or(10)),
        lock: lock(flags)?,
        ..Options::default()
    };
    Ok((options, production))
}

/// The lock `--lock` and `--lease` (or AURORA_LOCK and AURORA_LEASE) ask for.
fn lock(flags: &DatabaseArgs) -> Result<Lock, Failure> {
    let kind = match (flags.lock, std::env::var("AURORA_LOCK")) {
        (Some(kind), _) => kind,
        (None, Ok(text)) if !text.trim().is_empty() => {
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
    let duration = duration(flags.lease, "AURORA_LEASE", None)?.unwrap_or(DEFAULT_LEASE);
    if duration < SHORTEST_LEASE {
        return Err(Failure::usage(
            "invalid_setting",
            "a lease shorter than 1s would expire between its renewals; give --lease 1s or more",
        ));
    }
    if duration > LONGEST_LEASE {
        return Err(Failure::usage(
            "invalid_setting",
            format!(
                "a lease of {} would keep a dead runner's successor waiting that long; give --lease {} or less \
                 (a runner that stops is taken over once its lease expires, or freed at once by `lease break`)",
                humantime::format_duration(duration),
                humantime::format_duration(LONGEST_LEASE)
            ),
        ));
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
    variable: &str,
    span: Option<&bounds::Span>,
) -> Result<Option<Duration>, Failure> {
    if flag.is_some() {
        return Ok(flag);
    }
    match std::env::var(variable) {
        Ok(text) if !text.trim().is_empty() => match span {
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
pub struct MigrateFlags {
    pub force: bool,
    pub transaction: Transaction,
    pub durability: Durability,
    /// At most this many migrations in one message (PostgreSQL); 0: the engine's default.
    pub pipeline: usize,
    pub refuse_data_loss: bool,
    pub statement_locks: LockRetries,
}

/// The flags of an `upgrade` or `downgrade`; `refuse_data_loss` as production asks.
pub fn migrate_flags(steps: &StepArgs, refuse_data_loss: bool) -> MigrateFlags {
    MigrateFlags {
        force: steps.force,
        transaction: steps.transaction.into(),
        durability: steps.durability.into(),
        pipeline: steps.pipeline.into(),
        refuse_data_loss,
        statement_locks: statement_locks(steps.statement_lock_timeout, steps.lock_retries),
    }
}

/// The lock retries `--statement-lock-timeout` and `--lock-retries` ask for.
pub fn statement_locks(timeout: Option<StatementLockTimeout>, retries: Option<u32>) -> LockRetries {
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
pub fn runner<'c>(
    catalog: &'c Catalog,
    resolved: &Resolved,
    interrupt: &Interrupt,
    flags: MigrateFlags,
) -> Result<Runner<'c>, Failure> {
    Ok(Runner::new(
        catalog,
        resolved.url.clone(),
        Options {
            interrupt: Some(interrupt.clone()),
            force: flags.force,
            transaction: flags.transaction,
            durability: flags.durability,
            pipeline: match flags.pipeline {
                0 => Options::default().pipeline,
                n => n,
            },
            refuse_data_loss: flags.refuse_data_loss,
            statement_locks: flags.statement_locks,
            ..resolved.options.clone()
        },
    )?)
}
