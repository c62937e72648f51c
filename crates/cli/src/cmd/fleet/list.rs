//! The fleet's databases: the list from `--targets FILE` or `--targets-cmd CMD`, the share a
//! shard takes, and the state file a resumed run leaves out what it records as done.
//! Must not import the dispatcher.

use std::collections::HashSet;
use std::path::Path;

use aurora_migrate::fleet::{self, Finished, FleetTarget};

use super::super::super::args::FleetArgs;
use super::super::super::failure::Failure;

/// The fleet's databases, from `--targets FILE` or `--targets-cmd CMD`, sharded as asked.
pub fn targets(args: &FleetArgs) -> Result<Vec<FleetTarget>, Failure> {
    let text = match (&args.targets, &args.targets_cmd) {
        (Some(path), _) => std::fs::read_to_string(path).map_err(|e| {
            Failure::usage(
                "targets",
                format!("cannot read the targets file {}: {e}", path.display()),
            )
        })?,
        (None, Some(command)) => listed_by(command)?,
        (None, None) => {
            return Err(Failure::usage(
                "targets",
                "no --targets or --targets-cmd given",
            ));
        }
    };
    let list = fleet::parse(&text, &|name| std::env::var(name).ok())
        .map_err(|e| Failure::usage("targets", e.to_string()))?;
    Ok(match share(args)? {
        Some((k, n)) => fleet::shard(list, k, n),
        None => list,
    })
}

/// What a targets command prints, run by `sh -c`.
fn listed_by(command: &str) -> Result<String, Failure> {
    let output = std::process::Command::new("sh")
        .args(["-c", command])
        .output()
        .map_err(|e| Failure::usage("targets", format!("cannot run the targets command: {e}")))?;
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

/// The shard `--shard K/N` or `--shard-from-env N` (with JOB_COMPLETION_INDEX) names.
fn share(args: &FleetArgs) -> Result<Option<(usize, usize)>, Failure> {
    match (args.shard, args.shard_from_env) {
        (Some((k, n)), _) => Ok(Some((k, n))),
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
            Ok(Some((k, n as usize)))
        }
        (None, None) => Ok(None),
    }
}

/// The databases a state file records as done by a run of `what` (the command and its
/// target; the last such line for each name counts). A last line cut short, as a kill in the
/// middle of writing leaves it, is passed over.
pub fn done_before(path: &Path, what: &str) -> Result<HashSet<String>, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
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

/// Appends a database's outcome to the state file, flushed at once: an interrupted run
/// leaves every finished database recorded.
pub fn record<T>(
    path: &Path,
    end: &Finished<T>,
    json: impl Fn(&Finished<T>) -> serde_json::Value,
) -> Result<(), String> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot write the state file {}: {e}", path.display()))?;
    writeln!(file, "{}", json(end))
        .map_err(|e| format!("cannot write the state file {}: {e}", path.display()))
}
