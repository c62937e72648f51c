//! Throwaway databases left behind (a run killed with `kill -9` drops nothing): found on a
//! server, or as SQLite files in the temporary directory, by their names; judged by who made
//! them and whether they are in use; dropped only when left behind. Must not import
//! autogenerate.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::name::{self, Maker};
use crate::error::{Result, ScratchError};
use crate::url::DatabaseUrl;

/// One throwaway database found, and what was done with it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Found {
    /// Its name (for SQLite, the file's stem).
    pub name: String,
    /// Where it is: the server (password masked) or the directory.
    pub place: String,
    /// Dropped, to be dropped, or kept.
    pub fate: Fate,
    /// Why.
    pub reason: Reason,
}

/// What was done with a throwaway database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Left behind, and dropped.
    Dropped,
    /// Left behind; not dropped, as asked.
    WouldDrop,
    /// Not left behind, or not known to be: kept.
    Kept,
}

/// Why a throwaway database counts as left behind, or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Made on this host by a process that no longer exists.
    MakerGone {
        /// The process.
        pid: u32,
    },
    /// Made on this host by a process that still exists.
    MakerRunning {
        /// The process.
        pid: u32,
    },
    /// Sessions are connected to it.
    InUse {
        /// How many.
        sessions: u64,
    },
    /// Its maker cannot be checked (another host, or an earlier version's name) and it is
    /// older than the grace period.
    Old {
        /// How old.
        age: Duration,
    },
    /// Its maker cannot be checked and it is younger than the grace period.
    Young {
        /// How old.
        age: Duration,
        /// The grace period.
        grace: Duration,
    },
    /// Its name starts as ours do but says nothing of its maker.
    Unknown,
}

/// What to look at and how to judge it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Sweep<'a> {
    /// Servers to look on (PostgreSQL, MySQL); a SQLite URL adds nothing to `dir`.
    pub servers: &'a [DatabaseUrl],
    /// Where temporary SQLite files are (the temporary directory).
    pub dir: &'a Path,
    /// How old a throwaway database whose maker cannot be checked must be to count as left
    /// behind.
    pub grace: Duration,
    /// Drop what is left behind; otherwise only say what would be.
    pub drop: bool,
}

impl<'a> Sweep<'a> {
    /// A look at `servers` and `dir` that only says what it finds.
    pub fn new(servers: &'a [DatabaseUrl], dir: &'a Path, grace: Duration) -> Sweep<'a> {
        Sweep {
            servers,
            dir,
            grace,
            drop: false,
        }
    }

    /// Drop what is left behind (`true`), or only say what would be.
    pub fn with_drop(self, drop: bool) -> Sweep<'a> {
        Sweep { drop, ..self }
    }
}

/// Finds the throwaway databases on each server and in the directory; drops those left
/// behind (when asked). Each is listed once, with its fate and why.
pub async fn sweep(sweep: &Sweep<'_>) -> Result<Vec<Found>> {
    let mut found = Vec::new();
    for server in sweep.servers {
        found.extend(on_server(server, sweep).await?);
    }
    found.extend(in_dir(sweep)?);
    Ok(found)
}

/// The verdict from the name and the sessions: `Ok` left behind, `Err` kept. A maker still
/// running says more than its sessions, which come and go between its steps.
pub(super) fn judge(
    name: &str,
    sessions: u64,
    grace: Duration,
) -> std::result::Result<Reason, Reason> {
    let parsed = name::parse(name);
    let maker = parsed.as_ref().map(name::Name::maker);
    match (parsed, maker) {
        (Some(parsed), Some(Maker::Running)) => Err(Reason::MakerRunning { pid: parsed.pid }),
        _ if sessions > 0 => Err(Reason::InUse { sessions }),
        (Some(parsed), Some(Maker::Dead)) => Ok(Reason::MakerGone { pid: parsed.pid }),
        (Some(parsed), _) if parsed.age() >= grace => Ok(Reason::Old { age: parsed.age() }),
        (Some(parsed), _) => Err(Reason::Young {
            age: parsed.age(),
            grace,
        }),
        (None, _) => Err(Reason::Unknown),
    }
}

async fn on_server(server: &DatabaseUrl, sweep: &Sweep<'_>) -> Result<Vec<Found>> {
    let listed = super::server::list(server, &[name::PREFIX, "aurora_squash_"]).await?;
    let mut found = Vec::new();
    for (name, sessions) in listed {
        let (fate, reason) = match judge(&name, sessions, sweep.grace) {
            Err(reason) => (Fate::Kept, reason),
            Ok(reason) if !sweep.drop => (Fate::WouldDrop, reason),
            Ok(reason) => match super::server::drop_if_unused(server, &name).await? {
                true => (Fate::Dropped, reason),
                // Someone connected since it was listed.
                false => (Fate::Kept, Reason::InUse { sessions: 1 }),
            },
        };
        found.push(Found {
            name,
            place: server.to_string(),
            fate,
            reason,
        });
    }
    Ok(found)
}

/// The temporary SQLite files, by stem (a database and its journals are one).
fn in_dir(sweep: &Sweep<'_>) -> Result<Vec<Found>> {
    let mut stems: Vec<(String, Vec<PathBuf>)> = Vec::new();
    let entries = match std::fs::read_dir(sweep.dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(ScratchError::Unreadable {
                dir: sweep.dir.display().to_string(),
                message: e.to_string(),
            }
            .into());
        }
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let stem = ["-journal", "-wal", "-shm"]
            .iter()
            .fold(file.as_str(), |f, suffix| f.trim_end_matches(suffix));
        let Some(stem) = stem.strip_suffix(".db").filter(|s| name::has_prefix(s)) else {
            continue;
        };
        match stems.iter_mut().find(|(s, _)| s == stem) {
            Some((_, paths)) => paths.push(entry.path()),
            None => stems.push((stem.to_string(), vec![entry.path()])),
        }
    }
    stems.sort();
    let mut found = Vec::new();
    for (stem, paths) in stems {
        let (fate, reason) = match judge(&stem, 0, sweep.grace) {
            Err(reason) => (Fate::Kept, reason),
            Ok(reason) if !sweep.drop => (Fate::WouldDrop, reason),
            Ok(reason) => {
                for path in &paths {
                    match std::fs::remove_file(path) {
                        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                            return Err(ScratchError::NotDropped {
                                name: path.display().to_string(),
                                message: e.to_string(),
                            }
                            .into());
                        }
                        _ => {}
                    }
                }
                (Fate::Dropped, reason)
            }
        };
        found.push(Found {
            name: stem,
            place: sweep.dir.display().to_string(),
            fate,
            reason,
        });
    }
    Ok(found)
}
