//! The variables the settings are read from: the process's environment, with a `.env` file in
//! the working directory beneath it. The file is read into this value, never written into the
//! process's environment, which other threads of a service may be reading. Must not import a
//! command.

use std::collections::BTreeMap;

use super::failure::Failure;

pub(crate) const ENV_FILE: &str = ".env";

/// The process's environment, and what `.env` adds to it.
#[derive(Debug, Default, Clone)]
pub(crate) struct Environment {
    /// The variables of `.env` the process's environment does not have.
    file: BTreeMap<String, String>,
}

impl Environment {
    /// Reads `.env` from the working directory, all or nothing; variables the process already
    /// has win, and so does a variable's first line in the file. A line that does not parse is
    /// named by its number and fault, never echoed.
    pub(crate) fn load() -> Result<Environment, Failure> {
        let entries = match dotenvy::from_path_iter(ENV_FILE) {
            Ok(iter) => iter.collect::<Result<Vec<_>, _>>(),
            Err(e) if e.not_found() => return Ok(Environment::default()),
            Err(e) => Err(e),
        };
        let entries = entries.map_err(|e| Failure::new("env_file", env_file_fault(&e)))?;
        let mut file = BTreeMap::new();
        for (key, value) in entries {
            if std::env::var_os(&key).is_none() {
                file.entry(key).or_insert(value);
            }
        }
        Ok(Environment { file })
    }

    /// The variable's value, from the process's environment or else from `.env`; `None` when
    /// neither has it, or the process's value is not Unicode (as `std::env::var`).
    pub(crate) fn var(&self, name: &str) -> Option<String> {
        match std::env::var_os(name) {
            Some(value) => value.into_string().ok(),
            None => self.file.get(name).cloned(),
        }
    }

    /// Whether the variable's value comes from `.env`.
    pub(crate) fn comes_from_file(&self, name: &str) -> bool {
        self.file.contains_key(name)
    }

    /// The variables `.env` adds, for a child process to see them as this process does.
    pub(crate) fn file_variables(&self) -> impl Iterator<Item = (&str, &str)> {
        self.file.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// What is wrong with `.env` and where, in words that quote none of it.
fn env_file_fault(error: &dotenvy::Error) -> String {
    let dotenvy::Error::LineParse(logical_line, _) = error else {
        let what = match error {
            dotenvy::Error::Io(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                "it is not valid UTF-8".to_string()
            }
            dotenvy::Error::Io(e) => e.kind().to_string(),
            _ => "it cannot be read".to_string(),
        };
        return format!("cannot read {ENV_FILE}: {what}; fix the file or remove it");
    };
    let text = std::fs::read_to_string(ENV_FILE).unwrap_or_default();
    let first = logical_line.lines().next().unwrap_or_default().trim_end();
    let number = text
        .lines()
        .position(|line| line.trim_end() == first)
        .map_or_else(|| "a line".to_string(), |i| format!("line {}", i + 1));
    let quotes = |q: char| logical_line.chars().filter(|&c| c == q).count() % 2 == 1;
    let fault = if quotes('"') || quotes('\'') {
        "unclosed quote"
    } else if !logical_line.contains('=') {
        "expected NAME=value"
    } else {
        "the name or the quoting is not valid (NAME=value, NAME=\"value\", NAME='value')"
    };
    format!("{number} of {ENV_FILE}: {fault}; fix the file or remove it")
}
