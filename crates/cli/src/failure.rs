//! A command's failure: the message a person reads, the stable code a machine reads, and the
//! exit code it earns. Library errors become failures here, and only here.
//! Must not import a command or the printer.

use aurora_migrate::migrations::Hint;

/// Exit code for a usage error (bad flags, a missing setting, a question that needs `--yes`).
pub(crate) const EXIT_USAGE: u8 = 2;

#[derive(Debug)]
pub(crate) struct Failure {
    /// What went wrong.
    pub message: String,
    /// What to do about it, written in the program's words when the failure is printed.
    pub hint: Option<Hint>,
    /// Stable, for `--format json`: `{"error": {"code": ...}}`.
    pub code: &'static str,
    pub exit: u8,
}

impl Failure {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            hint: None,
            code,
            exit: 1,
        }
    }

    /// This failure, with what to do about it.
    pub(crate) fn with_hint(self, hint: Hint) -> Failure {
        Failure {
            hint: Some(hint),
            ..self
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
            hint: error.hint(),
            exit,
        }
    }
}

/// Errors that are simply reported, with exit code 1.
macro_rules! failure_from {
    ($($error:ty => $code:expr, $hint:expr);* $(;)?) => {$(
        impl From<$error> for Failure {
            fn from(error: $error) -> Failure {
                let hint: fn(&$error) -> Option<Hint> = $hint;
                Failure {
                    hint: hint(&error),
                    ..Failure::new($code, error.to_string())
                }
            }
        }
    )*};
}

failure_from!(
    aurora_migrate::migrations::revision::TargetError => "target", |e| e.hint();
    aurora_migrate::url::UrlError => "url", |e| e.hint();
    aurora_migrate::catalog::MigrationError => "migration", |_| None;
    std::io::Error => "io", |_| None;
);

pub(crate) type Outcome = Result<(), Failure>;
