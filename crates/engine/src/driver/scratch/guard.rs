//! A throwaway database this process makes, uses and drops on every path (success, failure,
//! SIGINT/SIGTERM, a panic, a future its caller drops). Only the tools that build a schema
//! to compare or replay make one. Must not import the runner.

use std::time::Duration;

use super::{name, server};
use crate::driver::Capabilities;
use crate::error::{Result, ScratchError};
use crate::interrupt::Interrupt;
use crate::url::DatabaseUrl;

/// A database this process created and must drop.
pub struct Scratch {
    /// The server it is on; `None` for a temporary SQLite file.
    server: Option<DatabaseUrl>,
    name: String,
    url: DatabaseUrl,
    /// Dropped already (or being dropped by [`Scratch::remove`]).
    gone: bool,
}

/// How long dropping a throwaway database may take when its owner is dropped without being
/// awaited (a panic, a cancelled future).
const DROP_TIMEOUT: Duration = Duration::from_secs(10);

impl Scratch {
    /// Creates a database named for `purpose` (lowercase letters) next to `server`'s, or a
    /// temporary SQLite file when `server` is `None` or holds no databases beside its own.
    pub async fn create(server: Option<&DatabaseUrl>, purpose: &str) -> Result<Scratch> {
        let name = name::new(purpose);
        let server = server.filter(|s| Capabilities::of(s.kind()).sibling_databases);
        let url = match server {
            None => {
                // An empty file is an empty database: readers may open it before any write.
                let path = std::env::temp_dir().join(format!("{name}.db"));
                crate::disk::create_new(&path, b"")?;
                DatabaseUrl::sqlite_file(&path)
            }
            Some(server) => {
                server::create(server, &name).await?;
                server.with_database(&name)
            }
        };
        Ok(Scratch {
            server: server.cloned(),
            name,
            url,
            gone: false,
        })
    }

    /// The database's name on its server (for SQLite, the file's stem).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the scratch database is.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Drops the database (removes the SQLite file and its journals).
    pub async fn remove(mut self) -> Result<()> {
        self.gone = true;
        let removed = match &self.server {
            None => remove_files(&self.url),
            Some(server) => server::drop(server, &self.name)
                .await
                .map_err(|e| e.to_string()),
        };
        removed.map_err(|message| {
            ScratchError::NotDropped {
                name: self.name.clone(),
                message,
            }
            .into()
        })
    }
}

impl Drop for Scratch {
    /// The owner was dropped without removing it: a panic unwinding, or a future dropped part
    /// way. Nothing can be awaited here, so a server's database is dropped on a thread of its
    /// own, waited for.
    fn drop(&mut self) {
        if self.gone {
            return;
        }
        self.gone = true;
        let Some(server) = self.server.clone() else {
            let _ = remove_files(&self.url);
            return;
        };
        let name = self.name.clone();
        let dropping = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                let _ = tokio::time::timeout(DROP_TIMEOUT, server::drop(&server, &name)).await;
            });
        });
        let _ = dropping.join();
    }
}

/// Creates a throwaway database beside `server` (a temporary SQLite file when `None`), runs
/// `work` on its URL, and drops it whatever happens. When `interrupt` is raised first, the
/// work is abandoned (its connections closed) and the database dropped at once. The name of
/// the database comes back with the result.
pub(crate) async fn within<T>(
    server: Option<&DatabaseUrl>,
    purpose: &str,
    interrupt: Option<&Interrupt>,
    work: impl AsyncFnOnce(&DatabaseUrl) -> Result<T>,
) -> Result<(T, String)> {
    let scratch = Scratch::create(server, purpose).await?;
    let url = scratch.url().clone();
    let done = {
        let work = work(&url);
        match interrupt {
            None => Some(work.await),
            Some(interrupt) => tokio::select! {
                biased;
                () = interrupt.wait() => None,
                result = work => Some(result),
            },
        }
    };
    let name = scratch.name().to_string();
    let removed = scratch.remove().await;
    let (value, signal) = match done {
        // `wait` resolves only once the interrupt is raised.
        None => (None, interrupt.and_then(Interrupt::raised).unwrap_or(2)),
        Some(Err(e)) if e.signal().is_some() => (None, e.signal().unwrap_or(2)),
        Some(result) => (Some(result), 0),
    };
    match value {
        Some(result) => {
            let value = result?;
            removed?;
            Ok((value, name))
        }
        None => Err(ScratchError::Interrupted {
            signal,
            name,
            left: removed.err().map(|e| e.to_string()),
        }
        .into()),
    }
}

/// Removes a SQLite file and its journals; what is not there is not an error.
fn remove_files(url: &DatabaseUrl) -> std::result::Result<(), String> {
    let Some(path) = url.sqlite_path() else {
        return Ok(());
    };
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let file = format!("{}{suffix}", path.display());
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(format!("cannot remove {file}: {e}"));
            }
            _ => {}
        }
    }
    Ok(())
}
