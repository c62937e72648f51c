//! Many databases, one command: a list of targets (read in `list`), and a run over them with
//! at most N at once, a canary group first, and a stop or carry-on rule for failures. What is
//! run on each target, and what a failure carries, are the caller's; this module only
//! schedules and records. Must not import the command line.

use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tracing::Instrument as _;

use crate::url::DatabaseUrl;

mod identity;
mod list;

pub use list::{FleetError, parse};

/// One database of the fleet.
#[derive(Debug, Clone)]
pub struct FleetTarget {
    /// Its name: as given (`name = url`), or its URL with the password masked.
    pub name: String,
    /// Where it is.
    pub url: DatabaseUrl,
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
pub enum Outcome<T, E> {
    /// The work's result.
    Done(T),
    /// The work's error, with whatever the caller keeps of it (what the failed run left).
    Failed(E),
    /// Never started: the fleet stopped first.
    Skipped,
}

/// One target's end.
#[derive(Debug, Clone)]
pub struct Finished<T, E> {
    /// The target's name.
    pub name: String,
    /// How it ended.
    pub outcome: Outcome<T, E>,
    /// How long its work took.
    pub elapsed: Duration,
}

/// Runs `work` on every target as `schedule` says, calling `finished` as each one ends, and
/// returns every target's end in list order. The workers are futures of the caller's task, so
/// nothing here needs threads. Each target's work runs in a tracing span that names it. A `stopped` that turns true (a signal) starts no new target.
pub async fn run<T, E, F, Fut>(
    targets: &[FleetTarget],
    schedule: Schedule,
    stopped: &dyn Fn() -> bool,
    work: F,
    finished: &dyn Fn(&Finished<T, E>),
) -> Vec<Finished<T, E>>
where
    F: Fn(&FleetTarget) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let slots: Vec<Mutex<Option<Finished<T, E>>>> =
        targets.iter().map(|_| Mutex::new(None)).collect();
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
                // What is logged while the target's work runs (a wait for a lock, a retry)
                // names the target.
                let span = tracing::info_span!("database", name = %target.name);
                let outcome = match work(target).instrument(span).await {
                    Ok(value) => Outcome::Done(value),
                    Err(error) => {
                        if in_canary || schedule.on_error == OnError::Stop {
                            halted.store(true, Ordering::SeqCst);
                        }
                        Outcome::Failed(error)
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
