//! What every driver needs to connect: a failure classified as it should be reported, and the
//! operating system's user for a URL that names none. Must not import a driver.

use crate::error::Error;
use crate::url::DatabaseUrl;

use crate::error::database_message;

/// A failed connection, classified: no server answered (worth waiting for), TLS could not be
/// set up (worth no wait: the settings are wrong), or the server refused us.
pub(crate) fn connect_error(url: &DatabaseUrl, error: &sqlx::Error, server: &str) -> Error {
    let shown = url.to_string();
    match error {
        // rustls reports a failed handshake as invalid data; a certificate file that cannot
        // be read arrives as an I/O error too.
        sqlx::Error::Io(io)
            if io.kind() == std::io::ErrorKind::InvalidData
                || (url.requires_tls()
                    && matches!(
                        io.kind(),
                        std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied
                    )) =>
        {
            let reading = match io.kind() {
                std::io::ErrorKind::InvalidData => "",
                _ => "cannot read a certificate file: ",
            };
            Error::Tls {
                url: shown,
                message: url.scrub(&format!("{reading}{io}")),
            }
        }
        sqlx::Error::Io(io) => Error::Unreachable {
            url: shown,
            message: url.scrub(&format!("{io}; is {server} running and listening there?")),
        },
        sqlx::Error::Tls(tls) => Error::Tls {
            url: shown,
            message: url.scrub(&tls.to_string()),
        },
        // A certificate or key the TLS layer could not use (the files were checked before).
        sqlx::Error::Configuration(_) if url.requires_tls() => Error::Tls {
            url: shown,
            message: url.scrub(&database_message(error)),
        },
        // cannot_connect_now: the server is starting up or shutting down.
        sqlx::Error::Database(db) if db.code().as_deref() == Some("57P03") => Error::Unreachable {
            url: shown,
            message: url.scrub(db.message()),
        },
        other => Error::Connect {
            url: shown,
            message: url.scrub(&database_message(other)),
        },
    }
}

/// The operating system's name for the user running this process, as libpq finds it.
#[cfg(feature = "postgres")]
pub(crate) fn os_user() -> Option<String> {
    for variable in ["USER", "LOGNAME"] {
        if let Some(name) = std::env::var_os(variable).and_then(|v| v.into_string().ok())
            && !name.is_empty()
        {
            return Some(name);
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let uid = std::fs::metadata("/proc/self").ok()?.uid().to_string();
        let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
        passwd
            .lines()
            .map(|line| line.split(':').collect::<Vec<_>>())
            .find(|fields| fields.get(2) == Some(&uid.as_str()))
            .and_then(|fields| fields.first().map(|name| name.to_string()))
    }
    #[cfg(not(unix))]
    None
}
