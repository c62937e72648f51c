//! A command's failure: the message a person reads, the stable code a machine reads, and the
//! exit code it earns. Library errors become failures here, and only here.
//! Must not import a command or the printer.

/// Exit code for a usage error (bad flags, a missing setting, a question that needs `--yes`).
pub(crate) const EXIT_USAGE: u8 = 2;

#[derive(Debug)]
pub(crate) struct Failure {
    pub message: String,
    /// Stable, for `--format json`: `{"error": {"code": ...}}`.
    pub code: &'static str,
    pub exit: u8,
}

impl Failure {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code,
            exit: 1,
        }
    }

    pub(crate) fn usage(code: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            exit: EXIT_USAGE,
            ..Failure::new(code, message)
        }
    }
}

impl From<aurora_migrate::Error> for Failure {
    fn from(error: aurora_migrate::Error) -> Failure {
        use aurora_migrate::Error;
        let stopped = match &error {
            Error::Unconfirmed { stopped, .. } => stopped.as_ref(),
            other => other,
        };
        let exit = match (error.signal(), stopped) {
            // 128 + the signal number, as shells report a process a signal stopped.
            (Some(signal), _) => 128 + signal,
            (None, Error::DataLoss { .. } | Error::StoredDowngradeUnconfirmed { .. }) => EXIT_USAGE,
            _ => 1,
        };
        Failure {
            code: error.code(),
            message: error.to_string(),
            exit,
        }
    }
}

/// Errors that are simply reported, with exit code 1.
macro_rules! failure_from {
    ($($error:ty => $code:expr),* $(,)?) => {$(
        impl From<$error> for Failure {
            fn from(error: $error) -> Failure {
                Failure::new($code, error.to_string())
            }
        }
    )*};
}

failure_from!(
    aurora_migrate::migrations::revision::TargetError => "target",
    aurora_migrate::url::UrlError => "url",
    aurora_migrate::catalog::MigrationError => "migration",
    std::io::Error => "io",
);

pub(crate) type Outcome = Result<(), Failure>;
