//! The fleet's databases: the list from `--targets FILE` or `--targets-cmd CMD` (a command
//! given a time limit and stopped by a signal, with every process it started), the share a
//! shard takes, and the state file: checked before the first database, and read by a resumed
//! run to leave out what it records as done. Must not import the dispatcher.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use aurora_migrate::fleet::{self, Finished, FleetTarget};
use aurora_migrate::interrupt::Interrupt;

use crate::args::FleetArgs;
use crate::environment::Environment;
use crate::failure::Failure;

/// How long a targets command may run unless told otherwise.
const TARGETS_CMD_TIMEOUT: Duration = Duration::from_secs(60);

/// The fleet's databases, from `--targets FILE` or `--targets-cmd CMD`, sharded as asked.
pub(crate) async fn targets(
    args: &FleetArgs,
    environment: &Environment,
    interrupt: &Interrupt,
) -> Result<Vec<FleetTarget>, Failure> {
    let text = match (&args.targets, &args.targets_cmd) {
        (Some(path), _) => std::fs::read_to_string(path).map_err(|e| {
            Failure::usage(
                "targets",
                format!("cannot read the targets file {}: {e}", path.display()),
            )
        })?,
        (None, Some(command)) => {
            let limit = args.targets_cmd_timeout.unwrap_or(TARGETS_CMD_TIMEOUT);
            listed_by(command, limit, environment, interrupt).await?
        }
        (None, None) => {
            return Err(Failure::usage(
                "targets",
                "no --targets or --targets-cmd given",
            ));
        }
    };
    let list = fleet::parse(&text, &|name| environment.var(name))
        .map_err(|e| Failure::usage("targets", e.to_string()))?;
    Ok(match share(args, environment)? {
        Some((k, n)) => fleet::shard(list, k, n),
        None => list,
    })
}

/// What a targets command prints, run by `sh -c` in a process group of its own: a signal, or
/// `limit` running out, stops it and every process it started.
async fn listed_by(
    command: &str,
    limit: Duration,
    environment: &Environment,
    interrupt: &Interrupt,
) -> Result<String, Failure> {
    let child = tokio::process::Command::new("sh")
        .args(["-c", command])
        .envs(environment.file_variables())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| Failure::usage("targets", format!("cannot run the targets command: {e}")))?;
    let group = child.id();
    let output = tokio::select! {
        output = child.wait_with_output() => output
            .map_err(|e| Failure::usage("targets", format!("cannot run the targets command: {e}")))?,
        () = tokio::time::sleep(limit) => {
            stop_group(group);
            return Err(Failure::usage(
                "targets",
                format!(
                    "the targets command did not finish within {} and was stopped, with every process it started; \
                     no database was touched; give it longer with --targets-cmd-timeout",
                    humantime::format_duration(limit)
                ),
            ));
        }
        () = interrupt.wait() => {
            stop_group(group);
            let signal = interrupt.raised().unwrap_or(2);
            return Err(Failure {
                message: format!(
                    "stopped by signal {signal} while the targets command ran; it was stopped, with every process \
                     it started, and no database was touched"
                ),
                hint: None,
                code: "interrupted",
                exit: 128 + signal,
            });
        }
    };
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
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Kills process group `group` (the targets command's shell and whatever it started). The
/// shell itself is killed as its handle drops; `kill` reaches the rest of the group.
fn stop_group(group: Option<u32>) {
    if let Some(group) = group {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", "--", &format!("-{group}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// The shard `--shard K/N` or `--shard-from-env N` (with JOB_COMPLETION_INDEX) names.
fn share(args: &FleetArgs, environment: &Environment) -> Result<Option<(usize, usize)>, Failure> {
    match (args.shard, args.shard_from_env) {
        (Some((k, n)), _) => Ok(Some((k, n))),
        (None, Some(n)) => {
            let index = environment.var("JOB_COMPLETION_INDEX").ok_or_else(|| {
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
            Ok(Some((k, n as usize)))
        }
        (None, None) => Ok(None),
    }
}

/// The databases a state file records as done by a run of `what` (the command and its
/// target; the last such line for each name counts). A last line cut short, as a kill in the
/// middle of writing leaves it, is passed over. A missing file is refused: resuming from
/// nothing would start the whole fleet over.
pub(super) fn done_before(path: &Path, what: &str) -> Result<HashSet<String>, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Failure::usage(
                "state",
                format!(
                    "--resume: the state file {} does not exist, so there is no run to resume; check the path, or \
                     leave out --resume to start a new run; nothing was changed",
                    path.display()
                ),
            ));
        }
        Err(e) => {
            return Err(Failure::usage(
                "state",
                format!("cannot read the state file {}: {e}", path.display()),
            ));
        }
    };
    let mut done = HashSet::new();
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    for (position, &(number, line)) in lines.iter().enumerate() {
        let entry: serde_json::Value = match serde_json::from_str(line) {
            Ok(entry) => entry,
            Err(_) if position + 1 == lines.len() && !text.ends_with('\n') => break,
            Err(e) => {
                return Err(Failure::usage(
                    "state",
                    format!("{}:{}: not a state line ({e})", path.display(), number + 1),
                ));
            }
        };
        if entry["run"].as_str() != Some(what) {
            continue;
        }
        let name = entry["name"].as_str().unwrap_or_default().to_string();
        match entry["outcome"].as_str() {
            Some("done") => done.insert(name),
            _ => done.remove(&name),
        };
    }
    Ok(done)
}

/// Checks, before the first database, that the state file can be written: created if
/// missing, appended to otherwise, its lines kept; a directory or a dangling link is refused.
pub(super) fn writable(path: &Path) -> Result<(), Failure> {
    aurora_migrate::disk::appender(path).map(drop).map_err(|e| {
        Failure::usage(
            "state",
            format!("the state file cannot be used: {e}; no database was touched: give a state file that can be written"),
        )
    })
}

/// Appends a database's outcome to the state file, flushed at once: an interrupted run
/// leaves every finished database recorded.
pub(super) fn record<T, E>(
    path: &Path,
    end: &Finished<T, E>,
    json: impl Fn(&Finished<T, E>) -> serde_json::Value,
) -> Result<(), String> {
    use std::io::Write as _;
    let mut file = aurora_migrate::disk::appender(path).map_err(|e| e.to_string())?;
    writeln!(file, "{}", json(end))
        .map_err(|e| format!("cannot write the state file {}: {e}", path.display()))
}
