//! The TLS settings of a server URL, checked before connecting: a mode the database knows,
//! and certificate and key files that exist, are files and hold what they are named for, a
//! client certificate with its key. The driver would otherwise ignore a file that holds no
//! certificate, call a directory an unreachable server, or report a key as a configuration
//! error. Must not import a driver.

use std::path::Path;

use crate::error::{Error, Result};
use crate::url::DatabaseUrl;
use aurora_migrate_core::Database;

/// What a file parameter must hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Holds {
    Certificate,
    Key,
}

/// The parameters that name files, by what they must hold.
const FILES: &[(&str, Holds)] = &[
    ("sslrootcert", Holds::Certificate),
    ("ssl-root-cert", Holds::Certificate),
    ("ssl-ca", Holds::Certificate),
    ("sslca", Holds::Certificate),
    ("sslcert", Holds::Certificate),
    ("ssl-cert", Holds::Certificate),
    ("sslkey", Holds::Key),
    ("ssl-key", Holds::Key),
];

const PG_MODES: &[&str] = &[
    "disable",
    "allow",
    "prefer",
    "require",
    "verify-ca",
    "verify-full",
];
const MYSQL_MODES: &[&str] = &[
    "disabled",
    "preferred",
    "required",
    "verify_ca",
    "verify_identity",
];

/// Refuses, as a TLS failure, a URL whose TLS settings cannot work.
pub(crate) fn check(url: &DatabaseUrl) -> Result<()> {
    let Ok(parsed) = ::url::Url::parse(url.driver_url()) else {
        return Ok(());
    };
    let fault = |message: String| Error::Tls {
        url: url.to_string(),
        message: url.scrub(&message),
    };
    let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
    let (mode_key, modes) = match url.kind() {
        Database::Mysql => ("ssl-mode", MYSQL_MODES),
        Database::Postgres | Database::Sqlite => ("sslmode", PG_MODES),
    };
    let mut disabled = false;
    for (key, value) in &pairs {
        if key == mode_key || key == "sslmode" || key == "ssl-mode" {
            let mode = value.to_ascii_lowercase();
            if !modes.contains(&mode.as_str()) {
                return Err(fault(format!(
                    "{key}={value} is not a mode; give one of {}",
                    modes.join(", ")
                )));
            }
            disabled = mode.starts_with("disable");
        }
    }
    if disabled {
        // No TLS: the files are never read, as libpq and the MySQL client ignore them.
        return Ok(());
    }
    for (key, value) in &pairs {
        if let Some((_, holds)) = FILES.iter().find(|(name, _)| name == key) {
            file(key, value, *holds).map_err(fault)?;
        }
    }
    let given = |holds: Holds| {
        pairs.iter().find(|(key, _)| {
            FILES
                .iter()
                .any(|(name, h)| name == key && *h == holds && !is_root(name))
        })
    };
    match (given(Holds::Certificate), given(Holds::Key)) {
        (Some((cert, _)), None) => Err(fault(format!(
            "{cert} names a client certificate without its key: give the key too ({})",
            key_name(cert)
        ))),
        (None, Some((key, _))) => Err(fault(format!(
            "{key} names a client key without its certificate: give the certificate too"
        ))),
        _ => Ok(()),
    }
}

fn is_root(name: &str) -> bool {
    matches!(name, "sslrootcert" | "ssl-root-cert" | "ssl-ca" | "sslca")
}

fn key_name(cert: &str) -> &'static str {
    match cert {
        "ssl-cert" => "ssl-key",
        _ => "sslkey",
    }
}

/// A file parameter's value is a readable file holding `holds` in PEM, or the PEM itself.
fn file(key: &str, value: &str, holds: Holds) -> std::result::Result<(), String> {
    let (label, what) = match holds {
        Holds::Certificate => ("CERTIFICATE-----", "a certificate"),
        Holds::Key => ("PRIVATE KEY-----", "a private key"),
    };
    if value.trim_start().starts_with("-----BEGIN ") {
        return match value.contains(label) {
            true => Ok(()),
            false => Err(format!("{key} is not {what} in PEM")),
        };
    }
    let path = Path::new(value);
    let text = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("{key} {value} does not exist"));
        }
        Err(e) => return Err(format!("cannot read {key} {value}: {e}")),
        Ok(meta) if meta.is_dir() => {
            return Err(format!("{key} {value} is a directory; name the file"));
        }
        Ok(_) => std::fs::read(path).map_err(|e| format!("cannot read {key} {value}: {e}"))?,
    };
    let text = String::from_utf8_lossy(&text);
    match text.contains("-----BEGIN ") && text.contains(label) {
        true => Ok(()),
        false => Err(format!("{key} {value} holds no {} in PEM", &what[2..])),
    }
}

#[cfg(test)]
mod tests;
