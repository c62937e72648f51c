//! Serialising SQLite runners: an exclusive lock on the database file (SQLite's own locks are
//! per transaction, a run spans many), then a probe that SQLite's write lock is free, so a
//! process holding a write transaction open is waited for under `--lock-timeout`, named, and
//! interruptible, instead of blocking inside SQLite's busy handler. Must not import the runner.

use std::fs::File;
use std::time::Duration;

use super::Sqlite;
use crate::driver::LockWait;
use crate::error::{Error, Result};

/// SQLite's result codes for a lock another connection holds.
const SQLITE_BUSY: &str = "5";
const SQLITE_LOCKED: &str = "6";

/// While probing, SQLite waits this long inside one attempt, so an interrupt is seen promptly.
const PROBE_BUSY_MS: u32 = 50;

impl Sqlite {
    pub(crate) async fn lock(
        &mut self,
        _: &crate::bookkeeping::Tables,
        timeout: Option<Duration>,
    ) -> Result<()> {
        let Some(path) = self.path.clone() else {
            return Ok(()); // in memory: no other process can see it
        };
        let shown = path.display().to_string();
        let lock_error = |message: String| Error::FileLock {
            path: shown.clone(),
            message,
        };
        let file = File::open(&path).map_err(|e| lock_error(e.to_string()))?;
        let mut wait = LockWait::new(
            Duration::from_millis(5),
            Duration::from_millis(200),
            timeout,
        );
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    if let Err(waited) = wait
                        .pause(&format!("another runner holds the lock on {shown}"))
                        .await
                    {
                        return Err(Error::LockTimeout {
                            table: shown.clone(),
                            waited,
                            holder: holders(&path, "another runner"),
                        });
                    }
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(lock_error(e.to_string())),
            }
        }
        self.lock = Some(file);
        if let Err(e) = self.probe_write_lock(&wait, timeout).await {
            let _ = self.unlock().await;
            return Err(e);
        }
        Ok(())
    }

    /// Waits until SQLite's write lock can be taken, then lets it go: another process may hold
    /// a write transaction open (a shell, the application itself).
    async fn probe_write_lock(
        &mut self,
        runner_wait: &LockWait,
        timeout: Option<Duration>,
    ) -> Result<()> {
        let Some(path) = self.path.clone() else {
            return Ok(());
        };
        let shown = path.display().to_string();
        let setting = |ms: u64| format!("PRAGMA busy_timeout = {ms}");
        self.execute(&setting(u64::from(PROBE_BUSY_MS)))
            .await
            .map_err(|e| Error::database("cannot prepare the SQLite session", e))?;
        // What is left of the caller's limit after waiting for the runner lock.
        let left = timeout.map(|limit| limit.saturating_sub(runner_wait.waited()));
        let mut wait = LockWait::new(Duration::from_millis(20), Duration::from_millis(200), left);
        let result = loop {
            match self.execute("BEGIN IMMEDIATE").await {
                Ok(()) => {
                    break self
                        .execute("ROLLBACK")
                        .await
                        .map_err(|e| Error::database("cannot release SQLite's write lock", e));
                }
                Err(e) if is_busy(&e) => {
                    let what = format!("another process holds a write lock on {shown}");
                    if wait.pause(&what).await.is_err() {
                        break Err(Error::DatabaseLocked {
                            path: shown.clone(),
                            waited: runner_wait.waited(),
                            holder: holders(&path, "another process"),
                        });
                    }
                }
                Err(e) => break Err(Error::database("cannot take SQLite's write lock", e)),
            }
        };
        // From here on the runner holds the file: a wait inside SQLite is short-lived contention.
        let busy = self.busy_timeout.as_millis();
        let restored = self.execute(&setting(busy as u64)).await;
        result?;
        restored.map_err(|e| Error::database("cannot prepare the SQLite session", e))
    }

    pub(crate) async fn unlock(&mut self) -> Result<()> {
        if let Some(file) = self.lock.take() {
            file.unlock().map_err(|e| Error::FileLock {
                path: self.path_text(),
                message: e.to_string(),
            })?;
        }
        Ok(())
    }

    pub(super) fn path_text(&self) -> String {
        self.path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| ":memory:".into())
    }
}

pub(super) fn is_busy(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == SQLITE_BUSY || code == SQLITE_LOCKED)
}

/// The processes holding a lock on the database file (or its WAL index), from the kernel's
/// table of file locks; `fallback` when it cannot tell.
fn holders(path: &std::path::Path, fallback: &str) -> String {
    let found = lock_holders(path);
    if found.is_empty() {
        return format!("{fallback} (the operating system does not say which)");
    }
    found.join(", ")
}

#[cfg(target_os = "linux")]
fn lock_holders(path: &std::path::Path) -> Vec<String> {
    use std::os::unix::fs::MetadataExt;
    let mut inodes = Vec::new();
    for file in [
        path.to_path_buf(),
        std::path::PathBuf::from(format!("{}-shm", path.display())),
    ] {
        if let Ok(meta) = std::fs::metadata(&file) {
            inodes.push(meta.ino());
        }
    }
    let Ok(table) = std::fs::read_to_string("/proc/locks") else {
        return Vec::new();
    };
    let own = std::process::id();
    let mut pids: Vec<u32> = table
        .lines()
        .filter_map(|line| {
            // `1: POSIX  ADVISORY  WRITE 4242 08:01:1234 1073741824 1073741824`; a blocked
            // request is marked `->` and holds nothing.
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.get(1) == Some(&"->") {
                return None;
            }
            let pid: u32 = fields.get(4)?.parse().ok()?;
            let inode: u64 = fields.get(5)?.rsplit(':').next()?.parse().ok()?;
            (inodes.contains(&inode) && pid != own).then_some(pid)
        })
        .collect();
    pids.sort_unstable();
    pids.dedup();
    pids.into_iter()
        .map(|pid| {
            // The program's name only: its arguments may hold secrets.
            let command = std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .map(|name| name.trim().to_string())
                .unwrap_or_default();
            match command.is_empty() {
                true => format!("process {pid}"),
                false => format!("process {pid} ({command})"),
            }
        })
        .collect()
}

#[cfg(not(target_os = "linux"))]
fn lock_holders(_path: &std::path::Path) -> Vec<String> {
    Vec::new()
}
