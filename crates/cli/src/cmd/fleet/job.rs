//! What a fleet does on each database: one command's library call, and what it leaves to
//! report (its revisions, not the steps' messages and timings, so that a fleet of thousands
//! holds little). Must not import the dispatcher.

use aurora_migrate::core::revision::Target;
use aurora_migrate::runner::Runner;
use aurora_migrate::runner::standing::State;
use aurora_migrate::schema::model::Schema;

use super::super::super::output::Printer;

/// The command each database of the fleet runs.
pub enum Job<'a> {
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
pub struct Done {
    /// How many revisions the run applied, reverted or recorded: a count, not their ids, so
    /// that a fleet's memory stays flat in the number of databases and of migrations.
    pub changed: usize,
    /// The version table's rows afterwards.
    pub current: Vec<String>,
}

impl Job<'_> {
    /// The command's name, as typed.
    pub fn command(&self) -> &'static str {
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
    pub fn reads_only(&self) -> bool {
        matches!(self, Job::Current | Job::Status | Job::Check { .. })
    }

    /// What a database the job succeeded on is, for the summary.
    pub fn done_word(&self) -> &'static str {
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

    /// Runs the job on one database; a failure is its message.
    pub async fn perform(&self, runner: &Runner<'_>, printer: &Printer) -> Result<Done, String> {
        let text = |e: aurora_migrate::Error| printer.name_commands(&e.to_string());
        let ran = |run: aurora_migrate::Run| Done {
            changed: run.steps.len(),
            current: run.current,
        };
        let ids = |indices: &[usize]| {
            let graph = runner.catalog().graph();
            indices.iter().map(|&i| graph.node(i).id.clone()).collect()
        };
        match self {
            Job::Upgrade(target) => runner
                .upgrade(target, &mut |_| {})
                .await
                .map(ran)
                .map_err(text),
            Job::Downgrade(target) => runner
                .downgrade(target, &mut |_| {})
                .await
                .map(ran)
                .map_err(|e| match e.code() {
                    "confirmation_required" => format!(
                        "{}; in production (--env / AURORA_ENV) such a downgrade needs --yes to confirm",
                        text(e)
                    ),
                    _ => text(e),
                }),
            Job::Reset => runner.reset(&mut |_| {}).await.map(ran).map_err(text),
            Job::Stamp { target, purge } => runner
                .stamp(target, *purge)
                .await
                .map(|rows| Done {
                    changed: 0,
                    current: rows,
                })
                .map_err(text),
            Job::Current => runner
                .status()
                .await
                .map(|status| Done {
                    changed: 0,
                    current: ids(&status.current),
                })
                .map_err(text),
            Job::Status => {
                let standing = runner.standing().await.map_err(text)?;
                if standing.state() != State::AtHeads {
                    return Err(format!(
                        "{}: {} pending, {} beyond this build",
                        standing.state().name(),
                        standing.pending.len(),
                        standing.beyond.len()
                    ));
                }
                Ok(Done {
                    changed: 0,
                    current: ids(&standing.current),
                })
            }
            Job::Check { models, lint } => {
                let found = aurora_migrate::autogenerate::check(runner, *models)
                    .await
                    .map_err(text)?;
                let mut problems = super::super::check::problems(runner, &found, printer);
                if *lint {
                    problems
                        .extend(super::super::check::lint_errors(runner).map_err(|f| f.message)?);
                }
                match problems.is_empty() {
                    true => Ok(Done {
                        changed: 0,
                        current: ids(&found.standing.current),
                    }),
                    false => Err(problems.join("; ")),
                }
            }
            Job::AdoptRefinery => runner
                .adopt_refinery()
                .await
                .map(|adopted| Done {
                    current: adopted.revisions.last().cloned().into_iter().collect(),
                    changed: adopted.revisions.len(),
                })
                .map_err(text),
        }
    }

    /// The words after `name: ok, ` for a database the job succeeded on.
    pub fn done_text(&self, done: &Done) -> String {
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
            Job::Current | Job::Status | Job::Check { .. } => format!("at {at}"),
        }
    }
}
