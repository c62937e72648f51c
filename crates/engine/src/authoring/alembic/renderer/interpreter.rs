//! Which Python runs a project's `alembic` program: the program found as a shell would find
//! it, and the interpreter its `#!` line names (pip's `/bin/sh` form for long paths too). Pure
//! but for reading the program's first lines. Must not import the runner.

use std::path::{Path, PathBuf};

use crate::error::RenderError;

/// The Python interpreter of the environment `program` (an `alembic` script) belongs to.
pub(super) fn python(program: &Path) -> Result<PathBuf, RenderError> {
    let found = locate(program).ok_or_else(|| RenderError::ProgramMissing {
        program: program.display().to_string(),
    })?;
    let head = read_head(&found).map_err(|e| RenderError::NoInterpreter {
        program: found.display().to_string(),
        why: format!("it cannot be read: {e}"),
    })?;
    let interpreter = shebang(&head).ok_or_else(|| RenderError::NoInterpreter {
        program: found.display().to_string(),
        why: "its first line is not a `#!` line naming Python".to_string(),
    })?;
    Ok(on_path(&interpreter).unwrap_or(interpreter))
}

/// `program` itself when it names a path, else the first executable of that name on `PATH`.
fn locate(program: &Path) -> Option<PathBuf> {
    if program.components().count() > 1 || program.is_absolute() {
        return program.is_file().then(|| program.to_path_buf());
    }
    on_path(program)
}

fn on_path(name: &Path) -> Option<PathBuf> {
    if name.components().count() > 1 || name.is_absolute() {
        return None;
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// The first lines of a file, as text (a binary reads as nothing useful).
fn read_head(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(4096)
        .read_to_end(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The interpreter a script's first lines name: `#!/venv/bin/python`, `#!/usr/bin/env python3`,
/// or pip's form for paths too long for `#!`: `#!/bin/sh` then `'''exec' "/venv/bin/python" ...`.
pub(super) fn shebang(head: &str) -> Option<PathBuf> {
    let mut lines = head.lines();
    let first = lines.next()?.strip_prefix("#!")?.trim();
    let mut words = first.split_whitespace();
    let program = words.next()?;
    let name = Path::new(program)
        .file_name()?
        .to_string_lossy()
        .into_owned();
    if name == "env" {
        let python = words.find(|w| !w.starts_with('-'))?;
        return Some(PathBuf::from(python));
    }
    if name == "sh" || name == "bash" {
        let second = lines.next()?.trim().strip_prefix("'''exec' ")?;
        let quoted = second.strip_prefix('"')?;
        let end = quoted.find('"')?;
        return Some(PathBuf::from(&quoted[..end]));
    }
    name.starts_with("python").then(|| PathBuf::from(program))
}
