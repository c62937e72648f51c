//! Writing the files the tool leaves behind (dumps, new revisions, state files) so that a
//! planted symlink is never followed, a reader never sees half a file, a replaced file keeps
//! its mode, and `-`, devices and pipes are written straight through. Must not import the
//! runner, the drivers or sqlx: it knows paths and bytes, nothing else.

use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Why a file was not written; whatever was there before is still there, unchanged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiskError {
    /// The operating system refused.
    #[error("cannot write {path}: {reason}")]
    Io {
        /// The file.
        path: String,
        /// Why (in the message, so not also a source).
        reason: std::io::Error,
    },
    /// The path names a directory.
    #[error("cannot write {path}: it is a directory; name a file")]
    Directory {
        /// The path.
        path: String,
    },
    /// The path is a symbolic link to nothing: writing would create a file wherever it points.
    #[error(
        "cannot write {path}: it is a symbolic link to {target}, which does not exist; remove the link or name another file"
    )]
    DanglingLink {
        /// The path.
        path: String,
        /// Where it points.
        target: String,
    },
    /// A new file's name is taken.
    #[error("cannot write {path}: it exists already, and a new file never replaces one")]
    Exists {
        /// The path.
        path: String,
    },
    /// The directory a new file goes into does not exist.
    #[error("cannot write {path}: its directory {dir} does not exist")]
    NoDirectory {
        /// The path.
        path: String,
        /// Its directory.
        dir: String,
    },
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> DiskError + '_ {
    move |reason| DiskError::Io {
        path: path.display().to_string(),
        reason,
    }
}

/// Where bytes go: standard output for `-`, or a file.
pub fn is_stdout(path: &Path) -> bool {
    path == Path::new("-")
}

/// Writes `bytes` as the whole content of `path`: `-` is standard output; a device, a pipe or
/// a socket (and anything under `/dev` or `/proc`) is written straight through; a regular
/// file, or one that does not exist yet, is replaced at once by a complete new file made
/// beside it (a name only this call could have made), with the old file's mode and owner. A
/// symbolic link the path names is written through, never replaced.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<(), DiskError> {
    if is_stdout(path) {
        let mut out = std::io::stdout().lock();
        return out
            .write_all(bytes)
            .and_then(|()| out.flush())
            .map_err(io(path));
    }
    if path.starts_with("/dev") || path.starts_with("/proc") {
        return write_through(path, bytes);
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(DiskError::Directory {
            path: path.display().to_string(),
        }),
        Ok(meta) if !meta.is_file() => write_through(path, bytes),
        Ok(meta) => {
            // The file the path leads to, through any symbolic links: it is the one replaced.
            let real = std::fs::canonicalize(path).map_err(io(path))?;
            let mut file = beside(&real)?;
            keep_owner_and_mode(file.as_file(), &meta).map_err(io(path))?;
            fill(file.as_file_mut(), bytes).map_err(io(path))?;
            file.persist(&real).map_err(|e| io(path)(e.error))?;
            sync_dir(&real);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Ok(target) = std::fs::read_link(path) {
                return Err(DiskError::DanglingLink {
                    path: path.display().to_string(),
                    target: target.display().to_string(),
                });
            }
            let mut file = beside(path)?;
            file.as_file()
                .set_permissions(std::fs::Permissions::from_mode(new_file_mode()))
                .map_err(io(path))?;
            fill(file.as_file_mut(), bytes).map_err(io(path))?;
            // Another writer may have made the file meanwhile: it is not ours to replace.
            file.persist_noclobber(path)
                .map_err(|e| exists(path, e.error))?;
            sync_dir(path);
            Ok(())
        }
        Err(e) => Err(io(path)(e)),
    }
}

/// Writes `bytes` as a new file at `path`, which must not exist (nor be a link): it appears
/// whole or not at all, with the mode a new file gets.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<(), DiskError> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(DiskError::Exists {
            path: path.display().to_string(),
        });
    }
    let mut file = beside(path)?;
    file.as_file()
        .set_permissions(std::fs::Permissions::from_mode(new_file_mode()))
        .map_err(io(path))?;
    fill(file.as_file_mut(), bytes).map_err(io(path))?;
    file.persist_noclobber(path)
        .map_err(|e| exists(path, e.error))?;
    sync_dir(path);
    Ok(())
}

/// Makes the directory `path` and any parents it lacks (for a new history's migrations).
pub fn make_dir(path: &Path) -> Result<(), DiskError> {
    std::fs::create_dir_all(path).map_err(io(path))
}

/// Opens `path` to add lines at its end (creating it with a new file's mode), after checking
/// that it is a file that can be written: a state file is checked before any work is done.
pub fn appender(path: &Path) -> Result<std::fs::File, DiskError> {
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(DiskError::Directory {
            path: path.display().to_string(),
        });
    }
    if std::fs::metadata(path).is_err()
        && let Ok(target) = std::fs::read_link(path)
    {
        return Err(DiskError::DanglingLink {
            path: path.display().to_string(),
            target: target.display().to_string(),
        });
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io(path))
}

fn exists(path: &Path, error: std::io::Error) -> DiskError {
    match error.kind() {
        std::io::ErrorKind::AlreadyExists => DiskError::Exists {
            path: path.display().to_string(),
        },
        _ => io(path)(error),
    }
}

/// A new, empty file in `path`'s directory, under a random name that only this call could
/// have created (`O_EXCL`: a link planted there makes it pick another name).
fn beside(path: &Path) -> Result<tempfile::NamedTempFile, DiskError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(DiskError::NoDirectory {
            path: path.display().to_string(),
            dir: dir.display().to_string(),
        });
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".partial")
        .tempfile_in(&dir)
        .map_err(io(path))
}

fn fill(file: &mut std::fs::File, bytes: &[u8]) -> std::io::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()
}

/// Opens a device, a pipe or a socket as it is, without creating or truncating anything.
fn write_through(path: &Path, bytes: &[u8]) -> Result<(), DiskError> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io(path))?;
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .map_err(io(path))
}

/// The replacement gets the old file's permission bits and, where this process may give it
/// away (as root), its owner and group.
fn keep_owner_and_mode(file: &std::fs::File, old: &std::fs::Metadata) -> std::io::Result<()> {
    let mine = file.metadata()?;
    if (mine.uid(), mine.gid()) != (old.uid(), old.gid()) {
        // Only root may give a file away; anyone else keeps the new file as their own. Before
        // the mode: a change of owner clears the set-id bits.
        let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
    }
    file.set_permissions(std::fs::Permissions::from_mode(old.mode() & 0o7777))
}

/// What `open(..., 0666)` would give under this process's umask.
fn new_file_mode() -> u32 {
    0o666 & !umask()
}

/// The process's umask, read from `/proc` (setting it to read it back would race with other
/// threads); 022 where `/proc` does not say.
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// Makes the rename itself durable; a failure here loses nothing already written.
fn sync_dir(path: &Path) {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
}

#[cfg(test)]
mod tests;
