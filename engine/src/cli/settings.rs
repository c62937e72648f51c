//! Where each setting comes from (flag, `DATABASE_URL`, `.env`, default) and the runner they
//! configure; the production guard.

use std::path::PathBuf;
use std::time::Duration;

use super::{EXIT_USAGE, Failure, Global, Outcome, Printer};
use crate::migration::Catalog;
use crate::runner::interrupt::Interrupt;
use crate::runner::{Options, Runner, Transaction};
use crate::url::{DEFAULT_URL, DatabaseUrl};

/// Loads `.env` from the working directory; variables already set win.
pub(super) fn load_env_file() -> Result<(), String> {
    match dotenvy::from_path(".env") {
        Ok(()) => Ok(()),
        Err(dotenvy::Error::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot read .env: {e}; fix the file or remove it")),
    }
}

/// In production, commands that drop data or rewrite the version table need `--yes`.
pub(super) fn production_guard(global: &Global, command: &str, unconfirmed: bool) -> Outcome {
    let production = global
        .environment
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case("production"));
    if production && unconfirmed {
        return Err(Failure {
            message: format!(
                "`{command}` in production (--env / AURORA_ENV) needs --yes to confirm; nothing was changed"
            ),
            code: EXIT_USAGE,
        });
    }
    Ok(())
}

pub(super) fn runner<'c>(
    catalog: &'c Catalog,
    global: &Global,
    printer: &Printer,
    interrupt: &Interrupt,
    flags: MigrateFlags,
) -> Result<Runner<'c>, Failure> {
    let url = match &global.database_url {
        Some(url) => DatabaseUrl::parse(url)?,
        None => {
            printer.note(&format!(
                "using the default database {DEFAULT_URL}; set --database-url, DATABASE_URL or a .env file to choose another"
            ));
            DatabaseUrl::parse(DEFAULT_URL)?
        }
    };
    Ok(Runner::new(
        catalog,
        url,
        Options {
            interrupt: Some(interrupt.clone()),
            force: flags.force,
            transaction: flags.transaction,
            ..options(global)
        },
    )?)
}

/// The flags of a command that runs migrations.
#[derive(Debug, Default)]
pub(crate) struct MigrateFlags {
    pub force: bool,
    pub transaction: Transaction,
}

pub(super) fn options(global: &Global) -> Options {
    Options {
        wait: global.wait,
        lock_timeout: global.lock_timeout,
        interrupt: None,
        force: false,
        transaction: Transaction::PerMigration,
        version_table: global.version_table.clone(),
        connect_timeout: Duration::from_secs(global.connect_timeout.max(1)),
    }
}

/// Where `create` and `merge` write: `--migrations-dir`, default `migrations`.
pub(super) fn migrations_dir(dir: &Option<PathBuf>) -> PathBuf {
    dir.clone().unwrap_or_else(|| PathBuf::from("migrations"))
}
