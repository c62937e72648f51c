//! What a program hands the command line: its name, its migrations, its models, its default
//! database. Data only: must not import a command.

use aurora_migrate::Embedded;
use aurora_migrate::schema::model::Schema;

/// What a program gives the command line.
#[derive(Clone, Copy)]
pub struct App {
    /// The program's name as its users type it (`myservice`, or `myservice migrate` when the
    /// command set is one subcommand of the service): every help text and message uses it.
    pub name: &'static str,
    /// The migrations its build script embedded (`aurora_migrate::include_migrations!()`).
    pub migrations: &'static [Embedded],
    /// The schema its models declare, the target of autogenerate and `check`; `None` when it
    /// has none, and then `check` judges heads and checksums alone.
    pub models: Option<fn() -> Schema>,
    /// The database used when no URL is configured, announced each time (never in
    /// production); `None` makes a URL mandatory.
    pub default_database: Option<&'static str>,
}
