//! What a program hands the command line: its name, its migrations, its models, its default
//! database. Data only: must not import a command.

use aurora_migrate::Embedded;
use aurora_migrate::schema::model::Schema;

/// What a program gives the command line: `App::new(name, migrations)`, then `with_models`
/// and `with_default_database` as it has them.
#[derive(Clone, Copy)]
#[non_exhaustive]
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

impl App {
    /// A program named `name` (as its users type it) that carries `migrations`, with no models
    /// and no default database.
    pub const fn new(name: &'static str, migrations: &'static [Embedded]) -> App {
        App {
            name,
            migrations,
            models: None,
            default_database: None,
        }
    }

    /// The schema its models declare, for autogenerate and `check`; `None`: it has none.
    pub const fn with_models(self, models: Option<fn() -> Schema>) -> App {
        App { models, ..self }
    }

    /// The database used when no URL is configured; `None` makes a URL mandatory.
    pub const fn with_default_database(self, url: Option<&'static str>) -> App {
        App {
            default_database: url,
            ..self
        }
    }
}
