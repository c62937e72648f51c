//! A history through Alembic's offline mode: the alembic.ini that points the project's Alembic at
//! the corpus env.py (which configures the history as judge.py's table says) and at the history's
//! `versions/`, the arguments that make `import alembic` render through it, and why the scripts
//! it did not convert whole fell back, by reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aurora_migrate::migrations::Database;

use super::files::{self, Import};
use crate::support::fixture;

/// An alembic.ini for one history, and the arguments that name it.
pub struct Project {
    /// Holds the ini file while the import runs.
    _dir: tempfile::TempDir,
    pub args: Vec<String>,
}

/// The `alembic` program of the virtual environment `python` belongs to.
fn program(python: &Path) -> PathBuf {
    python.with_file_name("alembic")
}

/// The project for history `key` (a key of judge.py's table) whose scripts are in `versions`.
pub fn project(python: &Path, key: &str, versions: &Path) -> Project {
    let dir = tempfile::tempdir().expect("temporary directory");
    let ini = dir.path().join("alembic.ini");
    let text = format!(
        "[alembic]\nscript_location = {}\nversion_locations = {}\ncorpus_history = {key}\n",
        fixture("alembic/corpus").display(),
        versions.display()
    );
    std::fs::write(&ini, text).expect("write alembic.ini");
    let args = vec![
        "--alembic-ini".to_string(),
        ini.display().to_string(),
        "--alembic".to_string(),
        program(python).display().to_string(),
    ];
    Project { _dir: dir, args }
}

/// The scripts not converted whole on `dialect`, counted under each reason they fell back for
/// (the reason offline mode gave for a section the static converter wrote, else the reasons of
/// the lines left to do): reason, scripts.
pub fn shortfall(import: &Import, dialect: Database) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let scripts = import.report["scripts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (id, file) in &import.files {
        if file
            .as_ref()
            .is_ok_and(|text| files::is_todo_free(text, dialect))
        {
            continue;
        }
        let script = scripts.iter().find(|s| s["revision"] == id.as_str());
        let of_dialect = |key: &str| -> Vec<String> {
            script
                .and_then(|s| s[key].as_array())
                .into_iter()
                .flatten()
                .filter(|x| x["dialect"] == dialect.name())
                .filter_map(|x| x["reason"].as_str().map(str::to_string))
                .collect()
        };
        let mut reasons = of_dialect("sections");
        if reasons.is_empty() {
            reasons = of_dialect("todos");
        }
        if reasons.is_empty() {
            reasons.push(match file {
                Ok(_) => "a line left to do in the header".to_string(),
                Err(_) => "refused".to_string(),
            });
        }
        reasons.sort();
        reasons.dedup();
        for reason in reasons {
            *counts.entry(reason).or_insert(0) += 1;
        }
    }
    counts
}
