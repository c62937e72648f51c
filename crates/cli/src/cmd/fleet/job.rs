//! What a fleet does on each database: one command's library call, and what it leaves to
//! report (its revisions, not the steps' messages and timings, so that a fleet of thousands
//! holds little). A database a changing command failed on is read again, so that what the
//! failed run kept is reported, not guessed. Must not import the dispatcher.

use std::cell::Cell;
use std::time::Duration;

use aurora_migrate::migrations::revision::Target;
use aurora_migrate::runner::Standing;
use aurora_migrate::runner::{Event, Runner, Transaction};
use aurora_migrate::schema::model::Schema;

use crate::output::Printer;
pub(crate) use crate::output::documents::FleetBackfill;
use crate::revision_text::stored_downgrade;

/// The command each database of the fleet runs.
pub(crate) enum Job<'a> {
    Upgrade(Target),
    Downgrade(Target),
    Stamp {
        target: Target,
        purge: bool,
    },
    Reset,
    Current,
    Status,
    Check {
        models: Option<&'a Schema>,
        lint: bool,
    },
    AdoptRefinery,
}

/// What one database's run leaves to report.
pub(crate) struct Done {
    /// How many revisions the run applied, reverted or recorded: a count, not their ids, so
    /// that a fleet's memory stays flat in the number of databases and of migrations.
    pub changed: usize,
    /// The version table's rows afterwards.
    pub current: Vec<String>,
    /// Where the database stands (`at_heads`, `behind`, ...), when the job read it.
    pub state: Option<&'static str>,
    /// Its backfills not done, when the job read them (`status`).
    pub backfills: Option<Vec<FleetBackfill>>,
}

/// What a failed run on one database leaves to report.
pub(crate) struct Failed {
    /// Why, as a person reads it (passwords masked).
    pub message: String,
    /// The stable code of the failure.
    pub code: &'static str,
    /// How many revisions the run applied, reverted or recorded before it failed, and kept.
    pub changed: usize,
    /// The version table's rows afterwards; `None` when they could not be read.
    pub current: Option<Vec<String>>,
    /// Where the database stands, when it could be read.
    pub state: Option<&'static str>,
}

/// How long reading a database again after a failure may take.
const READ_AGAIN: Duration = Duration::from_secs(5);

/// The codes of failures that never reached the database: there is nothing to read again.
const NOT_REACHED: &[&str] = &[
    "url",
    "connect",
    "connect_timeout",
    "unreachable",
    "tls",
    "driver_missing",
];

impl Job<'_> {
    /// The command's name, as typed.
    pub(crate) fn command(&self) -> &'static str {
        match self {
            Job::Upgrade(_) => "upgrade",
            Job::Downgrade(_) => "downgrade",
            Job::Stamp { .. } => "stamp",
            Job::Reset => "reset",
            Job::Current => "current",
            Job::Status => "status",
            Job::Check { .. } => "check",
            Job::AdoptRefinery => "adopt refinery",
        }
    }

    /// The job changes nothing.
    pub(crate) fn reads_only(&self) -> bool {
        matches!(self, Job::Current | Job::Status | Job::Check { .. })
    }

    /// What a database the job succeeded on is, for the summary.
    pub(crate) fn done_word(&self) -> &'static str {
        match self {
            Job::Upgrade(_) => "upgraded",
            Job::Downgrade(_) => "downgraded",
            Job::Stamp { .. } => "stamped",
            Job::Reset => "reset",
            Job::Current => "read",
            Job::Status => "at the heads",
            Job::Check { .. } => "passed the check",
            Job::AdoptRefinery => "adopted",
        }
    }

    /// Runs the job on one database.
    pub(crate) async fn perform(
        &self,
        runner: &Runner<'_>,
        printer: &Printer,
    ) -> Result<Done, Failed> {
        let finished = Cell::new(0);
        let mut count = |event: Event<'_>| match event {
            Event::Finished(_) => finished.set(finished.get() + 1),
            // SQL the program does not carry is shown, whichever database runs it.
            Event::StoredDowngrade {
                revision,
                statements,
            } => printer.announce(&format!(
                "{}: {}",
                runner.describe(),
                stored_downgrade(revision, statements)
            )),
            _ => {}
        };
        match self.attempt(runner, printer, &mut count).await {
            Ok(done) => Ok(done),
            Err(Stop::Found(failed)) => Err(failed),
            Err(Stop::Engine(error)) => {
                Err(self.failed(runner, error, finished.get(), printer).await)
            }
        }
    }

    async fn attempt(
        &self,
        runner: &Runner<'_>,
        printer: &Printer,
        count: &mut dyn FnMut(Event<'_>),
    ) -> Result<Done, Stop> {
        let ran = |run: aurora_migrate::Run| Done {
            changed: run.steps.len(),
            current: run.current,
            state: None,
            backfills: None,
        };
        let catalog = runner.catalog();
        Ok(match self {
            Job::Upgrade(target) => runner.upgrade(target, count).await.map(ran)?,
            Job::Downgrade(target) => runner.downgrade(target, count).await.map(ran)?,
            Job::Reset => runner.reset(count).await.map(ran)?,
            Job::Stamp { target, purge } => Done {
                changed: 0,
                current: runner.stamp(target, *purge).await?,
                state: None,
                backfills: None,
            },
            Job::Current => {
                let status = runner.records().await?;
                let standing = Standing::of(catalog, &status);
                Done {
                    changed: 0,
                    current: rows(runner, &status.current, &status.unknown),
                    state: Some(standing.state().name()),
                    backfills: None,
                }
            }
            Job::Status => status(runner).await?,
            Job::Check { models, lint } => check(runner, *models, *lint, printer).await?,
            Job::AdoptRefinery => {
                let adopted = runner.adopt_refinery().await?;
                Done {
                    current: adopted.revisions.last().cloned().into_iter().collect(),
                    changed: adopted.revisions.len(),
                    state: None,
                    backfills: None,
                }
            }
        })
    }

    /// A failed run's report: its message, what it kept (from the error where it says, else
    /// the migrations that finished), and the version table read again, unless the database
    /// was never reached or the job only reads.
    async fn failed(
        &self,
        runner: &Runner<'_>,
        error: aurora_migrate::Error,
        finished: usize,
        printer: &Printer,
    ) -> Failed {
        use aurora_migrate::Error;
        let whole = runner.options().transaction == Transaction::All;
        let kept = |error: &Error| match error {
            Error::Interrupted { done, .. } => done.len(),
            Error::Step(failure)
                if failure.outcome == aurora_migrate::error::StepOutcome::RunRolledBack =>
            {
                0
            }
            Error::Step(failure) => failure.done_before.len(),
            _ if whole => 0,
            _ => finished,
        };
        let changed = match &error {
            Error::Unconfirmed { committed, .. } => committed.len(),
            other => kept(other),
        };
        let code = error.code();
        let message = printer.describe(&error);
        let (current, state) = match self.reads_only() || NOT_REACHED.contains(&code) {
            true => (None, None),
            false => match tokio::time::timeout(READ_AGAIN, runner.standing()).await {
                Ok(Ok(standing)) => (
                    Some(rows(runner, &standing.current, &standing.unknown)),
                    Some(standing.state().name()),
                ),
                _ => (None, None),
            },
        };
        Failed {
            message,
            code,
            changed,
            current,
            state,
        }
    }

    /// The words after `name: ok, ` for a database the job succeeded on.
    pub(crate) fn done_text(&self, done: &Done) -> String {
        let at = match done.current.as_slice() {
            [] => "base".to_string(),
            current => current.join(", "),
        };
        match self {
            Job::Upgrade(_) => format!("{} applied, at {at}", done.changed),
            Job::Downgrade(_) => format!("{} reverted, at {at}", done.changed),
            Job::Reset => format!("{} applied after reverting, at {at}", done.changed),
            Job::AdoptRefinery => format!("{} recorded as applied, at {at}", done.changed),
            Job::Stamp { .. } => format!("stamped {at}"),
            Job::Status => {
                let mut text = format!("at {at}");
                for job in done.backfills.iter().flatten() {
                    text.push_str(&format!(
                        ", backfill {} {} at {:.0}%",
                        job.revision, job.state, job.percent
                    ));
                }
                text
            }
            Job::Current | Job::Check { .. } => format!("at {at}"),
        }
    }
}

/// `status` on one database: done when it is ready (at the heads, or ahead by expand
/// revisions only), as the command's exit code says on one database.
async fn status(runner: &Runner<'_>) -> Result<Done, Stop> {
    let standing = runner.standing().await?;
    let current = rows(runner, &standing.current, &standing.unknown);
    let state = standing.state();
    if !standing.is_ready() {
        return Err(Stop::Found(Failed {
            message: format!(
                "{}: {} pending, {} beyond this build",
                state.name(),
                standing.pending.len(),
                standing.beyond.len()
            ),
            code: "not_at_heads",
            changed: 0,
            current: Some(current),
            state: Some(state.name()),
        }));
    }
    Ok(Done {
        changed: 0,
        current,
        state: Some(state.name()),
        backfills: Some(standing.backfills_left().map(FleetBackfill::of).collect()),
    })
}

/// `check` on one database: done when it finds no problem.
async fn check(
    runner: &Runner<'_>,
    models: Option<&Schema>,
    lint: bool,
    printer: &Printer,
) -> Result<Done, Stop> {
    let found = aurora_migrate::autogenerate::check(runner, models).await?;
    let mut problems = crate::cmd::check::problems(runner, &found, printer);
    if lint {
        let errors = crate::cmd::check::lint_errors(runner);
        problems.extend(errors.map_err(|f| Stop::message(printer.said(&f), f.code))?);
    }
    let standing = &found.standing;
    let current = rows(runner, &standing.current, &standing.unknown);
    let state = Some(standing.state().name());
    match problems.is_empty() {
        true => Ok(Done {
            changed: 0,
            current,
            state,
            backfills: None,
        }),
        false => Err(Stop::Found(Failed {
            message: problems.join("; "),
            code: "check_failed",
            changed: 0,
            current: Some(current),
            state,
        })),
    }
}

/// Why an attempt stopped: the engine's error, or a finding the job already reported.
enum Stop {
    Engine(aurora_migrate::Error),
    Found(Failed),
}

impl Stop {
    fn message(message: String, code: &'static str) -> Stop {
        Stop::Found(Failed {
            message,
            code,
            changed: 0,
            current: None,
            state: None,
        })
    }
}

impl From<aurora_migrate::Error> for Stop {
    fn from(error: aurora_migrate::Error) -> Stop {
        Stop::Engine(error)
    }
}

/// The version table's rows: the revisions this build knows, then those it does not.
fn rows(runner: &Runner<'_>, known: &[usize], unknown: &[String]) -> Vec<String> {
    let graph = runner.catalog().graph();
    known
        .iter()
        .map(|&i| graph.node(i).id.clone())
        .chain(unknown.iter().cloned())
        .collect()
}
