//! Database URLs: which database family, and a form that is safe to print.
//!
//! Accepts sqlx's URLs and SQLAlchemy's (`postgresql+asyncpg://...`, the driver suffix is
//! ignored). The password never leaves this type except into the driver's options.

use std::fmt;
use std::path::PathBuf;

use crate::dialect::Kind;

/// The URL used when none is configured.
pub const DEFAULT_URL: &str = "sqlite://aurora.db";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    #[error("the database URL is empty; set --database-url or DATABASE_URL")]
    Empty,
    #[error(
        "`{0}` is not a database URL; expected postgresql://user@host/db, mysql://user@host/db or sqlite://path"
    )]
    NoScheme(String),
    #[error("unsupported database `{0}://`; use postgresql://, mysql://, mariadb:// or sqlite://")]
    Unsupported(String),
}

/// A parsed database URL.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    kind: Kind,
    /// The URL as the driver wants it (driver suffix removed); may hold a password.
    driver_url: String,
    /// `Some(path)` for a SQLite file, `None` for SQLite in memory and for servers.
    sqlite_path: Option<PathBuf>,
}

impl DatabaseUrl {
    pub fn parse(input: &str) -> Result<DatabaseUrl, UrlError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(UrlError::Empty);
        }
        let Some((scheme, rest)) = input.split_once(':') else {
            return Err(UrlError::NoScheme(mask(input)));
        };
        let family = scheme
            .split('+')
            .next()
            .unwrap_or(scheme)
            .to_ascii_lowercase();
        match family.as_str() {
            "postgres" | "postgresql" => Ok(DatabaseUrl {
                kind: Kind::Postgres,
                driver_url: format!("postgres:{rest}"),
                sqlite_path: None,
            }),
            "sqlite" => {
                let location = rest.strip_prefix("//").unwrap_or(rest);
                let path = location.split('?').next().unwrap_or_default();
                let in_memory = path.is_empty() || path == ":memory:";
                Ok(DatabaseUrl {
                    kind: Kind::Sqlite,
                    driver_url: format!("sqlite://{location}"),
                    sqlite_path: (!in_memory).then(|| PathBuf::from(path)),
                })
            }
            "mysql" | "mariadb" => Ok(DatabaseUrl {
                kind: Kind::Mysql,
                driver_url: format!("mysql:{rest}"),
                sqlite_path: None,
            }),
            _ if rest.starts_with("//") => Err(UrlError::Unsupported(family)),
            _ => Err(UrlError::NoScheme(mask(input))),
        }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// For the driver only: this string may contain the password.
    pub(crate) fn driver_url(&self) -> &str {
        &self.driver_url
    }

    /// The same server with another database (PostgreSQL), keeping credentials and options.
    pub fn with_database(&self, database: &str) -> DatabaseUrl {
        let (base, query) = match self.driver_url.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (self.driver_url.as_str(), String::new()),
        };
        let after_scheme = base.find("://").map_or(0, |i| i + 3);
        let server = match base[after_scheme..].find('/') {
            Some(slash) => &base[..after_scheme + slash],
            None => base,
        };
        DatabaseUrl {
            kind: self.kind,
            driver_url: format!("{server}/{database}{query}"),
            sqlite_path: None,
        }
    }

    /// A SQLite database in a file.
    pub fn sqlite_file(path: &std::path::Path) -> DatabaseUrl {
        DatabaseUrl {
            kind: Kind::Sqlite,
            driver_url: format!("sqlite://{}", path.display()),
            sqlite_path: Some(path.to_path_buf()),
        }
    }

    pub fn sqlite_path(&self) -> Option<&PathBuf> {
        self.sqlite_path.as_ref()
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask(&self.driver_url))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", mask(&self.driver_url))
    }
}

/// Replaces the password of `scheme://user:password@host` (and `password=` parameters) by `***`.
pub fn mask(url: &str) -> String {
    let mut masked = match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(authority_end);
            match authority.rsplit_once('@') {
                Some((userinfo, host)) => match userinfo.split_once(':') {
                    Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
                    None => url.to_string(),
                },
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    };
    if let Some(start) = masked.find("password=") {
        let value_start = start + "password=".len();
        let value_end = masked[value_start..]
            .find('&')
            .map_or(masked.len(), |i| value_start + i);
        masked.replace_range(value_start..value_end, "***");
    }
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_sqlalchemy_urls_and_masks_the_password() {
        let url =
            DatabaseUrl::parse("postgresql+asyncpg://aurora:aurora_dev@localhost:5432/aurora")
                .unwrap();
        assert_eq!(url.kind(), Kind::Postgres);
        assert_eq!(
            url.to_string(),
            "postgres://aurora:***@localhost:5432/aurora"
        );
        assert!(!format!("{url:?}").contains("aurora_dev"));
    }

    #[test]
    fn masks_password_parameters() {
        assert_eq!(
            mask("postgres://h/db?user=a&password=s3cret&x=1"),
            "postgres://h/db?user=a&password=***&x=1"
        );
    }

    #[test]
    fn sqlite_paths() {
        let relative = DatabaseUrl::parse("sqlite://aurora.db").unwrap();
        assert_eq!(relative.sqlite_path(), Some(&PathBuf::from("aurora.db")));
        let absolute = DatabaseUrl::parse("sqlite:///tmp/x.db?mode=rwc").unwrap();
        assert_eq!(absolute.sqlite_path(), Some(&PathBuf::from("/tmp/x.db")));
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:").unwrap().sqlite_path(),
            None
        );
    }

    #[test]
    fn another_database_on_the_same_server() {
        let url = DatabaseUrl::parse("postgresql://u:p@h:5432/app?sslmode=disable").unwrap();
        assert_eq!(
            url.with_database("scratch").driver_url(),
            "postgres://u:p@h:5432/scratch?sslmode=disable"
        );
        let bare = DatabaseUrl::parse("postgres://h").unwrap();
        assert_eq!(bare.with_database("x").driver_url(), "postgres://h/x");
    }

    #[test]
    fn rejects_what_it_cannot_serve() {
        assert_eq!(DatabaseUrl::parse("  "), Err(UrlError::Empty));
        assert!(matches!(
            DatabaseUrl::parse("oracle://x"),
            Err(UrlError::Unsupported(_))
        ));
        assert!(matches!(
            DatabaseUrl::parse("aurora.db"),
            Err(UrlError::NoScheme(_))
        ));
    }
}
