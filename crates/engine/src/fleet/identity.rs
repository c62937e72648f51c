//! Which database a target is, whatever its URL's spelling: a server's host (in any case),
//! port (the default one written or not), database and tenant schema, whatever the user and
//! password; a SQLite file's absolute path, with `.`, `..` and symbolic links resolved. Two
//! targets with one identity are one database. Must not import the command line.

use std::path::{Component, Path, PathBuf};

use crate::url::DatabaseUrl;
use aurora_migrate_core::Database;

/// The database a URL names, as a key equal for every spelling of it; `None` for a database
/// in memory, which is no other.
pub(super) fn identity(url: &DatabaseUrl) -> Option<String> {
    match url.kind() {
        Database::Sqlite => url
            .sqlite_path()
            .map(|path| format!("sqlite|{}", file(path).display())),
        kind => server(kind, url),
    }
}

fn server(kind: Database, url: &DatabaseUrl) -> Option<String> {
    let parsed = ::url::Url::parse(url.driver_url()).ok()?;
    let query = |name: &str| {
        parsed
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    let host = query("host")
        .or_else(|| parsed.host_str().map(str::to_string))
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_ascii_lowercase();
    let port = match (parsed.port(), query("port"), kind) {
        (Some(port), _, _) => port.to_string(),
        (None, Some(port), _) => port,
        (None, None, Database::Mysql) => "3306".into(),
        (None, None, _) => "5432".into(),
    };
    let path = parsed.path().trim_matches('/');
    let database = match path.is_empty() {
        true => query("dbname").unwrap_or_default(),
        false => percent_decoded(path),
    };
    Some(format!(
        "{kind}|{host}|{port}|{database}|{}",
        url.schema().unwrap_or_default()
    ))
}

/// `%XX` escapes decoded, so that `/my%2Ddb` and `/my-db` are one name.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A SQLite file's absolute path: relative to the working directory, `.` and `..` resolved,
/// and symbolic links resolved as far as the path exists.
fn file(path: &Path) -> PathBuf {
    let absolute = match path.is_absolute() {
        true => path.to_path_buf(),
        false => std::env::current_dir().unwrap_or_default().join(path),
    };
    let mut clean = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    if let Ok(real) = clean.canonicalize() {
        return real;
    }
    match (clean.parent().map(Path::canonicalize), clean.file_name()) {
        (Some(Ok(parent)), Some(name)) => parent.join(name),
        _ => clean,
    }
}
