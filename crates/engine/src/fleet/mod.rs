//! Many databases, one command: a list of targets (one URL per line, or `name = url`, either
//! followed by `schema=NAME` for a tenant in a PostgreSQL schema of its own), read
//! from a file or from a program's output, and a run over them with at most N at once, a
//! canary group first, and a stop or carry-on rule for failures. What is run on each target
//! is the caller's; this module only schedules and records. Must not import the command line.

use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::url::DatabaseUrl;

/// One database of the fleet.
#[derive(Debug, Clone)]
pub struct FleetTarget {
    /// Its name: as given (`name = url`), or its URL with the password masked.
    pub name: String,
    /// Where it is.
    pub url: DatabaseUrl,
}

/// A targets list that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FleetError {
    /// A line that is neither a URL nor `name = url`.
    #[error("line {line} of the targets: {message}")]
    Line {
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// `${VAR}` names a variable the environment does not have.
    #[error("line {line} of the targets names ${{{variable}}}, which the environment does not set")]
    Variable {
        /// The 1-based line.
        line: usize,
        /// The variable.
        variable: String,
    },
    /// Two targets with one name.
    #[error("line {line} of the targets: the name `{name}` is given twice")]
    Duplicate {
        /// The 1-based line.
        line: usize,
        /// The name.
        name: String,
    },
    /// No target at all.
    #[error("the targets list names no database")]
    Empty,
}

/// Reads a targets list: `#` starts a comment, blank lines are skipped, and `${VAR}` in a URL
/// is the environment's `VAR` (so a password need not be in the file).
pub fn parse(
    text: &str,
    variable: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<FleetTarget>, FleetError> {
    let mut targets: Vec<FleetTarget> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.split_once('#').map_or(raw, |(before, _)| before).trim();
        if content.is_empty() {
            continue;
        }
        // `name = url`: a name is one bare word, so `${URL} schema=t` or a URL with `=` in
        // its query is a URL.
        let (name, url_text) = match content.split_once('=') {
            Some((name, url))
                if !name.trim().is_empty()
                    && !name
                        .trim()
                        .contains(|c: char| c.is_whitespace() || ":/$?".contains(c)) =>
            {
                (Some(name.trim().to_string()), url.trim())
            }
            _ => (None, content),
        };
        // The URL, then its settings: `schema=NAME` (PostgreSQL) puts a tenant in a schema.
        let mut words = url_text.split_whitespace();
        let url_text = expand(words.next().unwrap_or_default(), line, variable)?;
        let refused = |message: String| FleetError::Line { line, message };
        let mut url = DatabaseUrl::parse(&url_text).map_err(|e| refused(e.to_string()))?;
        let mut schema = None;
        for word in words {
            match word.split_once('=') {
                Some(("schema", value)) => {
                    url = url.with_schema(value).map_err(|e| refused(e.to_string()))?;
                    schema = Some(value);
                }
                _ => {
                    return Err(refused(format!(
                        "`{word}` after the URL is not a setting; the one setting is schema=NAME"
                    )));
                }
            }
        }
        let name = name
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| match schema {
                Some(schema) => format!("{url} schema={schema}"),
                None => url.to_string(),
            });
        if targets.iter().any(|t| t.name == name) {
            return Err(FleetError::Duplicate { line, name });
        }
        targets.push(FleetTarget { name, url });
    }
    match targets.is_empty() {
        true => Err(FleetError::Empty),
        false => Ok(targets),
    }
}

fn expand(
    text: &str,
    line: usize,
    variable: &dyn Fn(&str) -> Option<String>,
) -> Result<String, FleetError> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').ok_or_else(|| FleetError::Line {
            line,
            message: "`${` without its `}`".to_string(),
        })?;
        let name = &after[..end];
        out.push_str(&variable(name).ok_or_else(|| FleetError::Variable {
            line,
            variable: name.to_string(),
        })?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The share of the targets shard `index` of `count` takes: each target by a stable hash of
/// its name (FNV-1a), so every machine that reads the same list agrees, with no coordinator.
pub fn shard(targets: Vec<FleetTarget>, index: usize, count: usize) -> Vec<FleetTarget> {
    let count = count.max(1) as u64;
    targets
        .into_iter()
        .filter(|t| stable_hash(&t.name) % count == index as u64)
        .collect()
}

fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What to do when a target fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnError {
    /// Start no new target; those running finish.
    Stop,
    /// Carry on with the rest.
    Continue,
}

/// How the fleet runs.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// At most this many targets at once (and so connections).
    pub parallel: usize,
    /// These first targets run before any other; if one fails, the rest are skipped.
    pub canary: usize,
    /// After a failure outside the canary group.
    pub on_error: OnError,
}

/// How one target ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T> {
    /// The work's result.
    Done(T),
    /// The work's error, as text (passwords masked).
    Failed(String),
    /// Never started: the fleet stopped first.
    Skipped,
}

/// One target's end.
#[derive(Debug, Clone)]
pub struct Finished<T> {
    /// The target's name.
    pub name: String,
    /// How it ended.
    pub outcome: Outcome<T>,
    /// How long its work took.
    pub elapsed: Duration,
}

/// Runs `work` on every target as `schedule` says, calling `finished` as each one ends, and
/// returns every target's end in list order. The workers are futures of the caller's task, so
/// nothing here needs threads. A `stopped` that turns true (a signal) starts no new target.
pub async fn run<T, E, F, Fut>(
    targets: &[FleetTarget],
    schedule: Schedule,
    stopped: &dyn Fn() -> bool,
    work: F,
    finished: &dyn Fn(&Finished<T>),
) -> Vec<Finished<T>>
where
    E: std::fmt::Display,
    F: Fn(&FleetTarget) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let slots: Vec<Mutex<Option<Finished<T>>>> = targets.iter().map(|_| Mutex::new(None)).collect();
    let canary = schedule.canary.min(targets.len());
    let halted = AtomicBool::new(false);
    for (from, to) in [(0, canary), (canary, targets.len())] {
        if halted.load(Ordering::SeqCst) {
            break;
        }
        let next = AtomicUsize::new(from);
        let in_canary = from == 0 && canary > 0;
        let worker = || async {
            loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                if index >= to || halted.load(Ordering::SeqCst) || stopped() {
                    break;
                }
                let target = &targets[index];
                let started = Instant::now();
                let outcome = match work(target).await {
                    Ok(value) => Outcome::Done(value),
                    Err(error) => {
                        if in_canary || schedule.on_error == OnError::Stop {
                            halted.store(true, Ordering::SeqCst);
                        }
                        Outcome::Failed(error.to_string())
                    }
                };
                let end = Finished {
                    name: target.name.clone(),
                    outcome,
                    elapsed: started.elapsed(),
                };
                finished(&end);
                if let Ok(mut slot) = slots[index].lock() {
                    *slot = Some(end);
                }
            }
        };
        let workers = (0..schedule.parallel.max(1).min(to - from).max(1)).map(|_| worker());
        futures_util::future::join_all(workers).await;
    }
    slots
        .into_iter()
        .zip(targets)
        .map(|(slot, target)| {
            slot.into_inner().ok().flatten().unwrap_or_else(|| {
                let end = Finished {
                    name: target.name.clone(),
                    outcome: Outcome::Skipped,
                    elapsed: Duration::ZERO,
                };
                finished(&end);
                end
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
