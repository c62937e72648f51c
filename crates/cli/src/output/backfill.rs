//! A backfill job as a person follows it: its line, a progress bar on a terminal while it
//! runs, and a line per pause, retry and wait. Must not import a command.

use super::Printer;
use aurora_migrate::backfill::{self, Job};
use aurora_migrate::runner::Event;

/// `backfill REV (table): running, 40% (...)`.
pub(crate) fn line(job: &Job) -> String {
    format!(
        "backfill {} ({}): {}",
        job.revision,
        job.table,
        job.summary()
    )
}

/// A job's progress bar (on a terminal), and the lines of its pauses and retries.
pub(crate) struct Progress<'p> {
    printer: &'p Printer,
    bar: Option<indicatif::ProgressBar>,
}

impl<'p> Progress<'p> {
    pub(crate) fn new(printer: &'p Printer) -> Progress<'p> {
        Progress { printer, bar: None }
    }

    /// Shows a run's event; only backfill events are this one's.
    pub(crate) fn event(&mut self, event: Event<'_>) {
        let Event::Backfill(event) = event else {
            return;
        };
        match event {
            backfill::Event::Started(job) => {
                self.printer.note(&format!("{}: started", line(job)));
                let total = job.rows_estimated.unwrap_or(0).max(0) as u64;
                self.bar = self.printer.progress_bar(total);
            }
            backfill::Event::Batch { job, took } => match &self.bar {
                Some(bar) => {
                    bar.set_position(job.rows_seen.max(0) as u64);
                    bar.set_message(format!("{} ({} ms/batch)", job.revision, took.as_millis()));
                }
                None if self.printer.verbose() => self.printer.note(&line(job)),
                None => {}
            },
            backfill::Event::Paused { revision, pause } => {
                self.say(&format!("backfill {revision} paused: {pause}"));
            }
            backfill::Event::Resumed { revision } => {
                self.say(&format!("backfill {revision} resumed"));
            }
            backfill::Event::Waiting { revision, owner } => self.say(&format!(
                "backfill {revision}: {owner} holds its lease; waiting for it to finish or let go"
            )),
            backfill::Event::Retry {
                revision,
                error,
                size,
            } => self.say(&format!(
                "backfill {revision}: batch failed ({error}); retrying with {size} rows"
            )),
            backfill::Event::Finished(job) => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
                self.printer.note(&line(job));
            }
            _ => {}
        }
    }

    fn say(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| self.printer.note(text)),
            None => self.printer.note(text),
        }
    }
}
