//! What the command line prints: results on stdout (plain lines, or one JSON document), progress
//! and notes on stderr, and an error on stderr and, with `--format json`, as a JSON document
//! on stdout. Every line is masked by structure first (the password of each URL-shaped word
//! and of each `password=` parameter), and every string of a JSON document before it is
//! serialized, so a password never reaches a terminal, a log line or a document, and a
//! document stays valid JSON.
//! Must not import a command.

pub(crate) mod backfill;
pub(crate) mod documents;

use std::cell::RefCell;
use std::io::{IsTerminal, Write};

use super::args::{Format, OutputArgs};
use super::failure::Failure;
use aurora_migrate::url::{DatabaseUrl, mask};
use documents::{DatabaseUsed, Document, ErrorBody};

pub(crate) struct Printer {
    format: Format,
    quiet: bool,
    verbose: u8,
    /// Which database the command used, for the JSON document.
    database: RefCell<Option<DatabaseUsed>>,
    spinner: RefCell<Option<indicatif::ProgressBar>>,
    /// A JSON document went to stdout: a failure after it adds none (one document per run).
    documented: std::cell::Cell<bool>,
    /// The program's name, before the commands messages point at.
    program: &'static str,
}

impl Printer {
    pub(crate) fn new(output: &OutputArgs, program: &'static str) -> Printer {
        Printer {
            format: output.format,
            quiet: output.quiet,
            verbose: output.verbose,
            database: RefCell::new(None),
            spinner: RefCell::new(None),
            documented: std::cell::Cell::new(false),
            program,
        }
    }

    /// The program's name, as its users type it.
    pub(crate) fn program(&self) -> &'static str {
        self.program
    }

    /// A failure as one line: its message, then its hint in the program's words.
    pub(crate) fn said(&self, failure: &Failure) -> String {
        super::program::describe(&failure.message, failure.hint.as_ref(), self.program)
    }

    /// An engine error as one line: its message, then its hint in the program's words.
    pub(crate) fn describe(&self, error: &aurora_migrate::Error) -> String {
        super::program::describe(&error.to_string(), error.hint().as_ref(), self.program)
    }

    pub(crate) fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    pub(crate) fn format(&self) -> Format {
        self.format
    }

    pub(crate) fn verbose(&self) -> bool {
        self.verbose > 0
    }

    /// A result line on stdout (text format only). A closed pipe is not an error.
    pub(crate) fn line(&self, text: &str) {
        if !self.is_json() {
            self.out(text);
        }
    }

    /// The result document on stdout (JSON format only); an object names the database used.
    pub(crate) fn json(&self, document: impl Document) {
        if !self.is_json() {
            return;
        }
        let mut value = to_value(&document);
        if let (Some(object), Some(database)) = (value.as_object_mut(), &*self.database.borrow()) {
            object.insert("database".into(), to_value(database));
        }
        self.documented.set(true);
        self.out_document(value);
    }

    /// Progress and hints on stderr, silenced by `-q`.
    pub(crate) fn note(&self, text: &str) {
        if !self.quiet {
            self.err(text);
        }
    }

    /// Says once what the database holds that models cannot declare, and so a comparison
    /// with them passed over (`2 view(s)`, as the engine counts them).
    pub(crate) fn not_compared(&self, kinds: &[String]) {
        if !kinds.is_empty() {
            self.note(&format!(
                "not compared: the database holds {} that models cannot declare; `{} dump --check` compares them",
                kinds.join(", "),
                self.program()
            ));
        }
    }

    /// What must be said even with `-q`: which database a command falls back to.
    pub(crate) fn announce(&self, text: &str) {
        self.err(text);
    }

    /// The failure on stderr; with `--format json` also as one document on stdout, unless the
    /// command's own document (which says what failed, as `check` and `status` do) went first.
    pub(crate) fn error(&self, failure: &Failure) {
        self.clear_spinner();
        let message = self.said(failure);
        self.err(&format!("error: {message}"));
        if self.is_json() && !self.documented.get() {
            let document = documents::Error {
                error: ErrorBody {
                    code: failure.code.to_string(),
                    message,
                    exit_code: failure.exit,
                },
            };
            self.out_document(to_value(&document));
        }
    }

    /// Records the database a command uses, and where its URL came from.
    pub(crate) fn set_database(&self, url: &DatabaseUrl, source: &str) {
        *self.database.borrow_mut() = Some(DatabaseUsed {
            url: url.to_string(),
            source: source.to_string(),
        });
    }

    /// A step about to run: a spinner on a terminal, nothing elsewhere (its line comes when
    /// it ends).
    pub(crate) fn step_started(&self, text: &str) {
        if self.quiet || self.verbose > 0 || !std::io::stderr().is_terminal() {
            return;
        }
        let spinner = indicatif::ProgressBar::new_spinner();
        spinner.set_message(mask(text));
        spinner.enable_steady_tick(std::time::Duration::from_millis(100));
        *self.spinner.borrow_mut() = Some(spinner);
    }

    /// A step done: the spinner gives way to its line.
    pub(crate) fn step_finished(&self, text: &str) {
        self.clear_spinner();
        self.note(text);
    }

    /// A progress bar for `total` items, on a terminal only (and not with `-q` or JSON): lines
    /// printed while it shows go above it, through [`indicatif::ProgressBar::suspend`].
    pub(crate) fn progress_bar(&self, total: u64) -> Option<indicatif::ProgressBar> {
        // With -v every statement is logged on stderr, which a bar would tangle with.
        if self.quiet || self.verbose > 0 || self.is_json() || !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} database(s), {elapsed} elapsed, about {eta} left",
        ) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Some(bar)
    }

    fn clear_spinner(&self) {
        if let Some(spinner) = self.spinner.borrow_mut().take() {
            spinner.finish_and_clear();
        }
    }

    fn out(&self, text: &str) {
        let _ = writeln!(std::io::stdout(), "{}", mask(text));
    }

    /// A document, its strings masked before it is serialized.
    fn out_document(&self, mut value: serde_json::Value) {
        mask_strings(&mut value);
        let _ = writeln!(std::io::stdout(), "{value}");
    }

    fn err(&self, text: &str) {
        let _ = writeln!(std::io::stderr(), "{}", mask(text));
    }
}

/// A document as a JSON value. Documents are plain data whose maps have string keys, which
/// serde_json always serializes: the `null` fallback is never taken.
fn to_value(document: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(document).unwrap_or_default()
}

/// Every string of a JSON value, masked in place.
fn mask_strings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) => *text = mask(text),
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(mask_strings),
        _ => {}
    }
}

/// Library events (lock waits, statements with `-v`) go to stderr through tracing, masked.
/// sqlx's own events (slow-statement warnings that quote the SQL) only with `-vv`.
pub(crate) fn init_logging(output: &OutputArgs) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let (level, sqlx) = match (output.quiet, output.verbose) {
        (true, _) => (LevelFilter::ERROR, LevelFilter::ERROR),
        (false, 0) => (LevelFilter::INFO, LevelFilter::ERROR),
        (false, 1) => (LevelFilter::DEBUG, LevelFilter::ERROR),
        (false, _) => (LevelFilter::TRACE, LevelFilter::DEBUG),
    };
    let filter = Targets::new()
        .with_target("aurora_migrate", level)
        .with_target("sqlx", sqlx);
    let use_color = std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal();
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(|| MaskedStderr { buffer: Vec::new() })
        .with_ansi(use_color)
        .without_time()
        .with_target(false);
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(filter))
        .try_init();
}

/// Collects one event's text and writes it to stderr masked, when the event is done.
struct MaskedStderr {
    buffer: Vec<u8>,
}

impl Write for MaskedStderr {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for MaskedStderr {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.buffer);
        let _ = std::io::stderr().write_all(mask(&text).as_bytes());
    }
}
