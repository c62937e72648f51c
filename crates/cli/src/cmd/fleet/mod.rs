//! `--targets` on the commands that talk to a database: the fleet's list read from a file or a
//! command, the command run on each database as the engine's fleet schedule says, a line per database
//! as it finishes (a progress bar above them on a terminal), a state file checked before the
//! first database that a later run resumes from, and a summary. Must not import the
//! dispatcher.

mod job;
mod list;
mod request;

pub(crate) use job::Job;
pub(crate) use list::targets;
pub(crate) use request::{Request, request};

use std::time::Duration;

use aurora_migrate::fleet::{self, Finished, FleetTarget, OnError, Outcome, Schedule};
use aurora_migrate::interrupt::Interrupt;
use aurora_migrate::{Catalog, Options};

use crate::args::{FleetArgs, OnErrorMode};
use crate::failure::{Failure, Outcome as CommandOutcome};
use crate::output::Printer;
use crate::output::documents::{self, FleetOutcome, FleetSummary};
use crate::settings::{MigrateFlags, Resolved, runner};
use job::{Done, Failed};

/// How each database is reached and run: the settings every one shares.
pub(crate) struct Settings<'a> {
    pub options: Options,
    pub production: bool,
    pub flags: MigrateFlags,
    pub interrupt: &'a Interrupt,
    /// The command and its target (`upgrade head`), recorded with each outcome.
    pub what: String,
}

/// Runs `job` on every database of `list`.
pub(crate) async fn run(
    catalog: &Catalog,
    list: &[FleetTarget],
    args: &FleetArgs,
    settings: Settings<'_>,
    job: &Job<'_>,
    printer: &Printer,
) -> CommandOutcome {
    let left_out = match (&args.state, args.resume) {
        (Some(path), true) => list::done_before(path, &settings.what)?,
        _ => Default::default(),
    };
    // Before the first database: a state file that cannot be written would lose the record.
    if let Some(path) = &args.state {
        list::writable(path)?;
    }
    let total = list.len();
    let list: Vec<FleetTarget> = list
        .iter()
        .filter(|t| !left_out.contains(&t.name))
        .cloned()
        .collect();
    if list.len() < total {
        printer.note(&format!(
            "resuming: {} database(s) the state file records as done by `{}` are left out",
            total - list.len(),
            settings.what
        ));
    } else if args.resume {
        printer.note(&format!(
            "--resume: the state file records none of these databases as done by `{}`; every one runs",
            settings.what
        ));
    }
    let schedule = Schedule {
        parallel: args.parallel as usize,
        canary: args.canary as usize,
        on_error: match args.on_error {
            Some(OnErrorMode::Stop) => OnError::Stop,
            Some(OnErrorMode::Continue) => OnError::Continue,
            // A report on every database is what a reading command is for.
            None if job.reads_only() => OnError::Continue,
            None => OnError::Stop,
        },
    };
    printer.note(&format!(
        "{}: {} database(s), at most {} at once{}",
        job.command(),
        list.len(),
        schedule.parallel,
        match schedule.canary {
            0 => String::new(),
            k => format!(", the first {k} as a canary"),
        }
    ));
    let work =
        |member: &FleetTarget| {
            let resolved = Resolved {
                url: member.url.clone(),
                options: settings.options.clone(),
                production: settings.production,
            };
            async move {
                let runner = runner(catalog, &resolved, settings.interrupt, settings.flags)
                    .map_err(|f| Failed {
                        message: printer.said(&f),
                        code: f.code,
                        changed: 0,
                        current: None,
                        state: None,
                    })?;
                // The target's own password, wherever it came from, never reaches the output.
                job.perform(&runner, printer)
                    .await
                    .map_err(|failed| Failed {
                        message: resolved.url.scrub(&failed.message),
                        ..failed
                    })
            }
        };
    let bar = printer.progress_bar(list.len() as u64);
    let state_failed = std::cell::RefCell::new(None);
    let finished = |end: &Finished<Done, Failed>| {
        let text = line(job, end);
        match &bar {
            Some(bar) => {
                bar.suspend(|| printer.line(&text));
                bar.inc(1);
            }
            None => printer.line(&text),
        }
        if let Some(path) = &args.state
            && let Err(e) = list::record(path, end, |end| {
                // A database's entry, as the document lists it, and the run it belongs to.
                let mut line = serde_json::to_value(target(end)).unwrap_or_default();
                line["run"] = settings.what.clone().into();
                line
            })
        {
            state_failed.borrow_mut().get_or_insert(e);
        }
    };
    let stopped = || settings.interrupt.raised().is_some();
    let ends = fleet::run(&list, schedule, &stopped, work, &finished).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let outcome = summary(job, &ends, settings.interrupt, printer);
    match state_failed.into_inner() {
        // The report above stands; the state file could not keep it.
        Some(message) if outcome.is_ok() => Err(Failure::new("state", message)),
        Some(message) => {
            printer.note(&format!("error: {message}"));
            outcome
        }
        None => outcome,
    }
}

/// The summary line and JSON document, and the exit the fleet earns: 0 only when every
/// database succeeded, 128 + the signal when a signal stopped it.
fn summary(
    job: &Job<'_>,
    ends: &[Finished<Done, Failed>],
    interrupt: &Interrupt,
    printer: &Printer,
) -> CommandOutcome {
    let count = |wanted: fn(&Outcome<Done, Failed>) -> bool| {
        ends.iter().filter(|e| wanted(&e.outcome)).count()
    };
    let (done, failed, skipped) = (
        count(|o| matches!(o, Outcome::Done(_))),
        count(|o| matches!(o, Outcome::Failed(_))),
        count(|o| matches!(o, Outcome::Skipped)),
    );
    let counts = format!(
        "{done} of {} database(s) {}, {failed} failed, {skipped} skipped",
        ends.len(),
        job.done_word()
    );
    printer.line(&format!("fleet: {counts}"));
    printer.json(documents::Fleet {
        command: job.command().to_string(),
        targets: ends.iter().map(target).collect(),
        summary: FleetSummary {
            total: ends.len(),
            done,
            failed,
            skipped,
            interrupted: interrupt.raised().is_some(),
        },
    });
    if let Some(signal) = interrupt.raised() {
        return Err(Failure {
            message: format!(
                "stopped by signal {signal}: {counts}; no database was started after the signal, and the running ones \
                 rolled back their migration in progress; run again with --state FILE --resume to continue"
            ),
            hint: None,
            code: "interrupted",
            exit: 128 + signal,
        });
    }
    // Refused for want of --yes and nothing else: the command line needs it, as on one
    // database (exit 2); a refused database changed nothing.
    let unconfirmed = ends.iter().all(|e| match &e.outcome {
        Outcome::Failed(failed) => failed.code == "confirmation_required",
        _ => true,
    });
    match failed + skipped {
        0 => Ok(()),
        _ if failed > 0 && unconfirmed => Err(Failure::usage(
            "confirmation_required",
            format!(
                "{failed} database(s) of {} were refused without --yes, changing nothing on them, and {skipped} were \
                 skipped; each is named above: run again with --yes to confirm",
                ends.len()
            ),
        )),
        _ => Err(Failure::new(
            "fleet",
            format!(
                "{failed} database(s) failed and {skipped} were skipped of {}; each is named above",
                ends.len()
            ),
        )),
    }
}

fn line(job: &Job<'_>, end: &Finished<Done, Failed>) -> String {
    match &end.outcome {
        Outcome::Done(done) => format!(
            "{}: ok, {} ({})",
            end.name,
            job.done_text(done),
            millis(end.elapsed)
        ),
        Outcome::Failed(failed) => format!(
            "{}: failed ({}): {}",
            end.name,
            millis(end.elapsed),
            failed.message
        ),
        Outcome::Skipped => format!("{}: skipped", end.name),
    }
}

/// One database's entry: `current` and `state` are `null` where they were not read (a
/// database never reached, or skipped).
fn target(end: &Finished<Done, Failed>) -> documents::FleetTarget {
    let (outcome, changed, current, state, error) = match &end.outcome {
        Outcome::Done(done) => (
            FleetOutcome::Done,
            done.changed,
            Some(done.current.clone()),
            done.state,
            None,
        ),
        Outcome::Failed(failed) => (
            FleetOutcome::Failed,
            failed.changed,
            failed.current.clone(),
            failed.state,
            Some(failed.message.clone()),
        ),
        Outcome::Skipped => (FleetOutcome::Skipped, 0, None, None, None),
    };
    documents::FleetTarget {
        name: end.name.clone(),
        outcome,
        changed,
        current,
        state: state.map(str::to_string),
        elapsed_ms: end.elapsed.as_millis() as u64,
        error,
        backfills: match &end.outcome {
            Outcome::Done(done) => done.backfills.clone(),
            _ => None,
        },
    }
}

fn millis(elapsed: Duration) -> String {
    format!("{} ms", elapsed.as_millis())
}
