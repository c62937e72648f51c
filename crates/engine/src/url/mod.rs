//! Database URLs: which database family, and a form that is safe to print.
//!
//! Accepts sqlx's URLs and SQLAlchemy's (`postgresql+asyncpg://...`, the driver suffix is
//! ignored). The password never leaves this type except into the driver's options: the printed
//! form is rebuilt from the parsed parts with the password replaced, and a URL that does not
//! parse is refused without echoing any part of it. Must not import the runner or the drivers.

mod secret;

use std::fmt;
use std::path::PathBuf;

use aurora_migrate_core::Database;
use aurora_migrate_core::hint::{Hint, Setting};
pub use secret::{Secrets, is_password_key, mask};

/// The URL used when none is configured.
pub const DEFAULT_URL: &str = "sqlite://aurora.db";

/// Schemes of databases this crate does not serve, named back to the user.
const OTHER_DATABASES: &[&str] = &[
    "oracle",
    "mssql",
    "sqlserver",
    "cockroachdb",
    "cockroach",
    "redis",
    "mongodb",
    "mongodb+srv",
    "clickhouse",
    "snowflake",
    "db2",
    "firebird",
    "duckdb",
    "libsql",
    "http",
    "https",
    "file",
];

/// Why a URL was refused. No variant carries the input: it may hold a password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// Nothing but blanks.
    #[error("the database URL is empty")]
    Empty,
    #[error(
        "the database URL does not start with a scheme; expected postgresql://user@host/db, mysql://user@host/db or sqlite://path"
    )]
    /// No `scheme:` at the start.
    NoScheme,
    #[error("unsupported database `{0}://`; use postgresql://, mysql://, mariadb:// or sqlite://")]
    /// The scheme of a database this crate does not serve (named: it is a known one).
    Unsupported(String),
    #[error(
        "the database URL's scheme is not one of postgresql://, mysql://, mariadb:// or sqlite://"
    )]
    /// A scheme that names no database (not echoed: it may be a password).
    UnknownScheme,
    #[error("a {scheme} URL needs `//` after `{scheme}:`, as in {scheme}://user@host/db")]
    /// A server URL without `//`.
    NoAuthority {
        /// `postgresql` or `mysql`.
        scheme: &'static str,
    },
    #[error(
        "the {scheme} URL is malformed ({reason}); percent-encode a user name or password that holds @ : / ? # or % (@ is %40, / is %2F)"
    )]
    /// A server URL that does not parse.
    Malformed {
        /// `postgresql` or `mysql`.
        scheme: &'static str,
        /// What the URL parser found wrong.
        reason: String,
    },
    #[error(
        "the SQLite URL names no file (as `sqlite://$UNSET` becomes); name one, as in sqlite://aurora.db, or use sqlite::memory: for a database that lives only as long as the command"
    )]
    /// `sqlite://` with no path.
    EmptySqlitePath,
    #[error(
        "the SQLite URL names a directory, not a file; add a file name, as in sqlite:///var/lib/aurora.db"
    )]
    /// A SQLite path that ends in `/`.
    SqliteDirectory,
    /// A SQLite URL that might mean memory or a file, other than `sqlite::memory:`.
    #[error(
        "`{0}` does not say clearly whether the database is in memory or in a file: a database in memory, \
         which lasts only as long as the command, is written sqlite::memory:; a file is written \
         sqlite://aurora.db (relative to the working directory) or sqlite:///var/lib/aurora.db (absolute)"
    )]
    AmbiguousSqliteMemory(String),
    /// A schema named for a database other than PostgreSQL.
    #[error(
        "a schema per tenant (schema=NAME) is for PostgreSQL; a {0} database has none: give each tenant a database of its own"
    )]
    SchemaOutsidePostgres(Database),
    /// A schema name that is not a plain identifier.
    #[error("a schema name is letters, digits and underscores, not starting with a digit")]
    InvalidSchema,
    /// One of PostgreSQL's own schemas, which holds no tenant.
    #[error(
        "`{0}` is one of PostgreSQL's own schemas (pg_catalog, pg_toast, pg_temp and every other pg_ name, \
         information_schema), not a tenant's: name a schema of the tenant's own"
    )]
    SystemSchema(String),
}

/// A parsed database URL.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    kind: Database,
    /// The URL as the driver wants it (driver suffix removed); may hold a password.
    driver_url: String,
    /// The printable form: the password and `password=` parameters replaced by `***`.
    shown: String,
    /// `Some(path)` for a SQLite file, `None` for SQLite in memory and for servers.
    sqlite_path: Option<PathBuf>,
    /// An IPv6 host without its brackets, which the driver does not strip itself.
    bare_ipv6_host: Option<String>,
    /// No user is named: as libpq does, the operating system's user name is meant.
    no_user: bool,
    /// TLS is required or a certificate is named (`sslmode=require`, `ssl-mode=REQUIRED`,
    /// `sslrootcert=...`), so a failure to read a file during connection is a TLS failure.
    tls_required: bool,
    /// PostgreSQL: the schema the session works in (its search path), for a tenant kept in
    /// a schema of its own.
    schema: Option<String>,
    secrets: Secrets,
}

impl UrlError {
    /// What to do about it, when there is something to do.
    pub fn hint(&self) -> Option<Hint> {
        match self {
            UrlError::Empty => Some(Hint::text("set ").then_setting(Setting::DatabaseUrl)),
            _ => None,
        }
    }
}

impl DatabaseUrl {
    /// Parses a URL of sqlx's or SQLAlchemy's spelling.
    pub fn parse(input: &str) -> Result<DatabaseUrl, UrlError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(UrlError::Empty);
        }
        let scheme = input.split(':').next().unwrap_or_default();
        let scheme_like = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b));
        if !scheme_like || scheme.len() == input.len() {
            return Err(UrlError::NoScheme);
        }
        let rest = &input[scheme.len() + 1..];
        let family = scheme
            .split('+')
            .next()
            .unwrap_or(scheme)
            .to_ascii_lowercase();
        match family.as_str() {
            "postgres" | "postgresql" => server(Database::Postgres, rest),
            "mysql" | "mariadb" => server(Database::Mysql, rest),
            "sqlite" => sqlite(rest),
            // Only a scheme known to name another database is echoed: any other word in that
            // place might be a password typed in the wrong spot.
            known if OTHER_DATABASES.contains(&known) => Err(UrlError::Unsupported(family)),
            _ => Err(UrlError::UnknownScheme),
        }
    }

    /// The database family it names.
    pub fn kind(&self) -> Database {
        self.kind
    }

    /// For the driver only: this string may contain the password.
    pub(crate) fn driver_url(&self) -> &str {
        &self.driver_url
    }

    /// The host to connect to when the driver would read it wrongly from the URL (an IPv6
    /// literal keeps its brackets there).
    pub fn bare_ipv6_host(&self) -> Option<&str> {
        self.bare_ipv6_host.as_deref()
    }

    /// The URL names no user, so the operating system's user is meant.
    pub fn names_no_user(&self) -> bool {
        self.no_user
    }

    /// TLS is required or configured by the URL's parameters.
    pub fn requires_tls(&self) -> bool {
        self.tls_required
    }

    /// Removes the password from a message a driver wrote about this URL.
    pub fn scrub(&self, text: &str) -> String {
        self.secrets.scrub(text)
    }

    /// The same server with another database (PostgreSQL), keeping credentials and options.
    pub fn with_database(&self, database: &str) -> DatabaseUrl {
        let mut copy = self.clone();
        if let Ok(mut parsed) = ::url::Url::parse(&self.driver_url) {
            parsed.set_path(&format!("/{database}"));
            copy.driver_url = parsed.to_string();
            copy.shown = shown(&parsed);
        }
        copy.sqlite_path = None;
        copy
    }

    /// The same database, worked on in `schema` (PostgreSQL): the session's search path is
    /// that schema alone, so the migrations' tables and the bookkeeping land in it.
    pub fn with_schema(&self, schema: &str) -> Result<DatabaseUrl, UrlError> {
        if self.kind != Database::Postgres {
            return Err(UrlError::SchemaOutsidePostgres(self.kind));
        }
        let valid = !schema.is_empty()
            && !schema.starts_with(|c: char| c.is_ascii_digit())
            && schema
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid {
            return Err(UrlError::InvalidSchema);
        }
        // PostgreSQL's own schemas: the catalog, TOAST and temporary schemas (every `pg_`
        // name is reserved to it, whatever the case a tool quotes it in) and the SQL
        // standard's information_schema.
        if schema
            .get(..3)
            .is_some_and(|p| p.eq_ignore_ascii_case("pg_"))
            || schema.eq_ignore_ascii_case("information_schema")
        {
            return Err(UrlError::SystemSchema(schema.to_string()));
        }
        let mut copy = self.clone();
        copy.schema = Some(schema.to_string());
        Ok(copy)
    }

    /// The schema the session works in, when one is named.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// A SQLite database in a file.
    pub fn sqlite_file(path: &std::path::Path) -> DatabaseUrl {
        let driver_url = format!("sqlite://{}", path.display());
        DatabaseUrl {
            kind: Database::Sqlite,
            shown: driver_url.clone(),
            driver_url,
            sqlite_path: Some(path.to_path_buf()),
            bare_ipv6_host: None,
            no_user: false,
            tls_required: false,
            schema: None,
            secrets: Secrets::default(),
        }
    }

    /// The SQLite file; `None` in memory and for servers.
    pub fn sqlite_path(&self) -> Option<&PathBuf> {
        self.sqlite_path.as_ref()
    }
}

/// PostgreSQL or MySQL: parsed as a URL, so the printed form is built from its parts.
fn server(kind: Database, rest: &str) -> Result<DatabaseUrl, UrlError> {
    let scheme = match kind {
        Database::Postgres => "postgresql",
        Database::Mysql | Database::Sqlite => "mysql",
    };
    if !rest.starts_with("//") {
        return Err(UrlError::NoAuthority { scheme });
    }
    let driver_scheme = match kind {
        Database::Postgres => "postgres",
        Database::Mysql | Database::Sqlite => "mysql",
    };
    let driver_url = format!("{driver_scheme}:{rest}");
    let parsed = ::url::Url::parse(&driver_url).map_err(|e| UrlError::Malformed {
        scheme,
        reason: e.to_string(),
    })?;
    let mut secrets = Secrets::default();
    if let Some(password) = parsed.password() {
        secrets.add_encoded(password);
    }
    for (key, value) in parsed.query_pairs() {
        if secret::is_password_key(&key) {
            secrets.add(&value);
        }
    }
    let bare_ipv6_host = match parsed.host() {
        Some(::url::Host::Ipv6(address)) => Some(address.to_string()),
        _ => None,
    };
    let user_in_query = parsed.query_pairs().any(|(key, _)| key == "user");
    let tls_required = parsed.query_pairs().any(|(key, value)| match &*key {
        "sslmode" | "ssl-mode" => !matches!(
            value.to_ascii_lowercase().as_str(),
            "disable" | "disabled" | "allow" | "prefer" | "preferred"
        ),
        "sslrootcert" | "ssl-root-cert" | "ssl-ca" | "sslca" | "sslcert" | "ssl-cert" => true,
        _ => false,
    });
    Ok(DatabaseUrl {
        kind,
        shown: shown(&parsed),
        no_user: parsed.username().is_empty() && !user_in_query,
        tls_required,
        driver_url,
        sqlite_path: None,
        bare_ipv6_host,
        schema: None,
        secrets,
    })
}

/// The URL with its password and any `password=` parameter replaced by `***`.
fn shown(parsed: &::url::Url) -> String {
    let mut copy = parsed.clone();
    if copy.password().is_some() {
        let _ = copy.set_password(Some("***"));
    }
    if parsed
        .query_pairs()
        .any(|(key, _)| secret::is_password_key(&key))
    {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(key, value)| {
                let value = match secret::is_password_key(&key) {
                    true => "***".to_string(),
                    false => value.into_owned(),
                };
                (key.into_owned(), value)
            })
            .collect();
        copy.query_pairs_mut().clear().extend_pairs(pairs);
    }
    copy.to_string()
}

/// `sqlite://path`, `sqlite:path`, `sqlite:///absolute`, `sqlite::memory:`.
fn sqlite(rest: &str) -> Result<DatabaseUrl, UrlError> {
    let location = rest.strip_prefix("//").unwrap_or(rest);
    let (path, query) = location.split_once('?').unwrap_or((location, ""));
    // Memory is `sqlite::memory:` and nothing else: each other spelling (`sqlite://:memory:`,
    // a URI filename, `mode=memory`) reads to someone as a file.
    let in_memory = rest.split('?').next() == Some(":memory:");
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let memory_like = file_name == ":memory:"
        || path.starts_with("file:")
        || query.split('&').any(|pair| pair == "mode=memory");
    if memory_like && !in_memory {
        return Err(UrlError::AmbiguousSqliteMemory(format!("sqlite:{rest}")));
    }
    if path.is_empty() {
        return Err(UrlError::EmptySqlitePath);
    }
    if path.ends_with('/') {
        return Err(UrlError::SqliteDirectory);
    }
    let driver_url = format!("sqlite://{location}");
    Ok(DatabaseUrl {
        kind: Database::Sqlite,
        shown: driver_url.clone(),
        driver_url,
        sqlite_path: (!in_memory).then(|| PathBuf::from(path)),
        bare_ipv6_host: None,
        no_user: false,
        tls_required: false,
        schema: None,
        secrets: Secrets::default(),
    })
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.shown)
    }
}

#[cfg(test)]
mod tests;
