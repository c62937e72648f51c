//! `upgrade --targets`: the fleet's list read from a file or a command, every database
//! upgraded as the engine's fleet schedule says, a line per database as it finishes, and a
//! summary. Must not import the dispatcher.

use std::time::Duration;

use aurora_migrate::fleet::{self, Finished, FleetTarget, OnError, Outcome, Schedule};
use aurora_migrate::interrupt::Interrupt;
use aurora_migrate::{Catalog, Target};

use super::super::args::{FleetArgs, OnErrorMode};
use super::super::failure::{Failure, Outcome as CommandOutcome};
use super::super::output::Printer;
use super::super::settings::{MigrateFlags, Resolved, runner};

/// What a database's upgrade leaves to report: its revisions, not the steps' messages and
/// timings, so that a fleet of thousands holds little.
pub struct Upgraded {
    applied: Vec<String>,
    current: Vec<String>,
}

/// The fleet's databases, from `--targets FILE` or `--targets-cmd CMD`.
pub fn targets(args: &FleetArgs) -> Result<Vec<FleetTarget>, Failure> {
    let text = match (&args.targets, &args.targets_cmd) {
        (Some(path), _) => std::fs::read_to_string(path).map_err(|e| {
            Failure::usage(
                "targets",
                format!("cannot read the targets file {}: {e}", path.display()),
            )
        })?,
        (None, Some(command)) => {
            let output = std::process::Command::new("sh")
                .args(["-c", command])
                .output()
                .map_err(|e| {
                    Failure::usage("targets", format!("cannot run the targets command: {e}"))
                })?;
            if !output.status.success() {
                return Err(Failure::usage(
                    "targets",
                    format!(
                        "the targets command failed ({}): {}",
                        output.status,
                        String::from_utf8_lossy(&output.stderr).trim()
                    ),
                ));
            }
            String::from_utf8_lossy(&output.stdout).into_owned()
        }
        (None, None) => {
            return Err(Failure::usage(
                "targets",
                "no --targets or --targets-cmd given",
            ));
        }
    };
    let list = fleet::parse(&text, &|name| std::env::var(name).ok())
        .map_err(|e| Failure::usage("targets", e.to_string()))?;
    let share = match (args.shard, args.shard_from_env) {
        (Some((k, n)), _) => Some((k, n)),
        (None, Some(n)) => {
            let index = std::env::var("JOB_COMPLETION_INDEX").map_err(|_| {
                Failure::usage(
                    "targets",
                    "--shard-from-env needs JOB_COMPLETION_INDEX (set by a Kubernetes indexed Job)",
                )
            })?;
            let k: usize = index.trim().parse().map_err(|_| {
                Failure::usage(
                    "targets",
                    format!("JOB_COMPLETION_INDEX is `{index}`, not a number"),
                )
            })?;
            if k as u64 >= n {
                return Err(Failure::usage(
                    "targets",
                    format!("JOB_COMPLETION_INDEX {k} is not below the {n} shards"),
                ));
            }
            Some((k, n as usize))
        }
        (None, None) => None,
    };
    Ok(match share {
        Some((k, n)) => fleet::shard(list, k, n),
        None => list,
    })
}

/// The databases a state file records as upgraded.
fn finished_before(path: &std::path::Path) -> Result<std::collections::HashSet<String>, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Default::default()),
        Err(e) => {
            return Err(Failure::usage(
                "state",
                format!("cannot read the state file {}: {e}", path.display()),
            ));
        }
    };
    let mut done = std::collections::HashSet::new();
    for (number, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let entry: serde_json::Value = serde_json::from_str(line).map_err(|e| {
            Failure::usage(
                "state",
                format!("{}:{}: not a state line ({e})", path.display(), number + 1),
            )
        })?;
        let name = entry["name"].as_str().unwrap_or_default().to_string();
        match entry["outcome"].as_str() {
            Some("done") => done.insert(name),
            _ => done.remove(&name),
        };
    }
    Ok(done)
}

/// Appends a database's outcome to the state file, flushed at once: an interrupted run
/// leaves every finished database recorded.
fn record(path: &std::path::Path, end: &Finished<Upgraded>) -> Result<(), String> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot write the state file {}: {e}", path.display()))?;
    writeln!(file, "{}", json(end))
        .map_err(|e| format!("cannot write the state file {}: {e}", path.display()))
}

/// Upgrades every target to `target`.
pub async fn upgrade(
    catalog: &Catalog,
    list: &[FleetTarget],
    args: &FleetArgs,
    (options, production): (aurora_migrate::Options, bool),
    flags: MigrateFlags,
    (target, interrupt): (&str, &Interrupt),
    printer: &Printer,
) -> CommandOutcome {
    let target = Target::parse(target)?;
    let left_out = match (&args.state, args.resume) {
        (Some(path), true) => finished_before(path)?,
        _ => Default::default(),
    };
    let list: Vec<FleetTarget> = list
        .iter()
        .filter(|t| !left_out.contains(&t.name))
        .cloned()
        .collect();
    if !left_out.is_empty() {
        printer.note(&format!(
            "resuming: {} database(s) the state file records as upgraded are left out",
            left_out.len()
        ));
    }
    let list = &list;
    let schedule = Schedule {
        parallel: args.parallel as usize,
        canary: args.canary as usize,
        on_error: match args.on_error {
            OnErrorMode::Stop => OnError::Stop,
            OnErrorMode::Continue => OnError::Continue,
        },
    };
    printer.note(&format!(
        "upgrading {} database(s), at most {} at once{}",
        list.len(),
        schedule.parallel,
        match schedule.canary {
            0 => String::new(),
            k => format!(", the first {k} as a canary"),
        }
    ));
    let work = |member: &FleetTarget| {
        let resolved = Resolved {
            url: member.url.clone(),
            options: options.clone(),
            production,
        };
        let target = &target;
        async move {
            let runner = runner(catalog, &resolved, interrupt, flags).map_err(|f| f.message)?;
            let run = runner
                .upgrade(target, &mut |_| {})
                .await
                .map_err(|e| e.to_string())?;
            Ok::<_, String>(Upgraded {
                applied: run.steps.into_iter().map(|s| s.revision).collect(),
                current: run.current,
            })
        }
    };
    let state_failed = std::cell::RefCell::new(None);
    let finished = |end: &Finished<Upgraded>| {
        printer.line(&line(end));
        if let Some(path) = &args.state
            && let Err(e) = record(path, end)
        {
            state_failed.borrow_mut().get_or_insert(e);
        }
    };
    let stopped = || interrupt.raised().is_some();
    let ends = fleet::run(list, schedule, &stopped, work, &finished).await;
    if let Some(message) = state_failed.into_inner() {
        return Err(Failure::new("state", message));
    }
    let count =
        |wanted: fn(&Outcome<Upgraded>) -> bool| ends.iter().filter(|e| wanted(&e.outcome)).count();
    let (done, failed, skipped) = (
        count(|o| matches!(o, Outcome::Done(_))),
        count(|o| matches!(o, Outcome::Failed(_))),
        count(|o| matches!(o, Outcome::Skipped)),
    );
    printer.line(&format!(
        "fleet: {done} of {} database(s) upgraded, {failed} failed, {skipped} skipped",
        ends.len()
    ));
    printer.json(serde_json::json!({
        "command": "upgrade",
        "targets": ends.iter().map(json).collect::<Vec<_>>(),
        "summary": { "total": ends.len(), "done": done, "failed": failed, "skipped": skipped },
    }));
    match failed + skipped {
        0 => Ok(()),
        _ => Err(Failure::new(
            "fleet",
            format!(
                "{failed} database(s) failed and {skipped} were skipped of {}; each is named above",
                ends.len()
            ),
        )),
    }
}

fn line(end: &Finished<Upgraded>) -> String {
    match &end.outcome {
        Outcome::Done(run) => format!(
            "{}: ok, {} applied, at {} ({})",
            end.name,
            run.applied.len(),
            match run.current.as_slice() {
                [] => "base".to_string(),
                current => current.join(", "),
            },
            millis(end.elapsed)
        ),
        Outcome::Failed(message) => {
            format!("{}: failed ({}): {message}", end.name, millis(end.elapsed))
        }
        Outcome::Skipped => format!("{}: skipped", end.name),
    }
}

fn json(end: &Finished<Upgraded>) -> serde_json::Value {
    let (outcome, applied, current, error) = match &end.outcome {
        Outcome::Done(run) => ("done", run.applied.clone(), run.current.clone(), None),
        Outcome::Failed(message) => ("failed", Vec::new(), Vec::new(), Some(message.clone())),
        Outcome::Skipped => ("skipped", Vec::new(), Vec::new(), None),
    };
    serde_json::json!({
        "name": end.name,
        "outcome": outcome,
        "applied": applied,
        "current": current,
        "elapsed_ms": end.elapsed.as_millis() as u64,
        "error": error,
    })
}

fn millis(elapsed: Duration) -> String {
    format!("{} ms", elapsed.as_millis())
}
