//! A script's revision facts (`revision`, `down_revision`, `branch_labels`, `depends_on`, its
//! message and date), which must be literals, and which files are not revisions at all.
//! Pure. Must not import the file system.

use crate::error::{ImportError, Result};
use aurora_migrate_core::revision::Node;
use aurora_migrate_core::revision::id::{is_keyword, is_valid as is_valid_id};

use super::python::{Script, Value};

/// Why a file of `versions/` is not a revision, as Alembic tells them apart: `__init__.py`
/// and editor backups by name, any other file by having no `revision =`.
pub(super) fn not_a_revision(file: &str, script: Option<&Script>) -> Option<String> {
    if file.starts_with("__init__") || file.starts_with(".#") {
        return Some("Alembic skips it by its name".into());
    }
    match script {
        Some(script) if script.get("revision").is_none() && legacy_id(file).is_none() => {
            Some("it assigns no `revision`: a module beside the revisions".into())
        }
        _ => None,
    }
}

/// The id of a legacy script named `<hex>.py`, which Alembic reads from the name.
fn legacy_id(file: &str) -> Option<&str> {
    let id = file.strip_suffix(".py")?;
    (!id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()))
    .then_some(id)
}

/// The revision facts of a script, which must be literals.
pub(super) fn node(file: &str, script: &Script) -> Result<Node> {
    let facts = |name: &str, why: &str| ImportError::Facts {
        file: file.to_string(),
        name: name.to_string(),
        why: why.to_string(),
    };
    let syntax = || {
        script
            .errors
            .first()
            .map(|e| {
                format!(
                    " (the script is not valid Python: line {}: {})",
                    e.line, e.what
                )
            })
            .unwrap_or_default()
    };
    let ids = |name: &str| -> Result<Vec<String>> {
        match script.get(name) {
            None => Ok(Vec::new()),
            Some(v) if v.is("None") => Ok(Vec::new()),
            Some(Value::Str(one)) => Ok(vec![one.clone()]),
            Some(Value::Seq(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| facts(name, "an item is not a string").into())
                })
                .collect(),
            Some(Value::Other(what)) => {
                Err(facts(name, &format!("it is {what}{}", syntax())).into())
            }
            Some(other) => Err(facts(name, &format!("it is {other:?}{}", syntax())).into()),
        }
    };
    let id = match (script.get("revision"), legacy_id(file)) {
        (Some(Value::Str(id)), _) => id.clone(),
        (None, Some(id)) => id.to_string(),
        _ => {
            let why = format!("there is no `revision = \"...\"`{}", syntax());
            return Err(facts("revision", &why).into());
        }
    };
    let node = Node {
        id,
        parents: ids("down_revision")?,
        depends_on: ids("depends_on")?,
        branch_labels: ids("branch_labels")?,
    };
    // An id becomes a file name and a header line: the rules `create` follows, before
    // anything is written.
    let invalid = |name: &str, value: &str| ImportError::InvalidName {
        file: file.to_string(),
        name: name.to_string(),
        value: value.to_string(),
    };
    if !is_valid_id(&node.id) || is_keyword(&node.id) {
        return Err(invalid("revision", &node.id).into());
    }
    for (name, values) in [
        ("down_revision", &node.parents),
        ("depends_on", &node.depends_on),
    ] {
        if let Some(bad) = values.iter().find(|v| !is_valid_id(v)) {
            return Err(invalid(name, bad).into());
        }
    }
    for label in &node.branch_labels {
        aurora_migrate_core::authoring::label(None, label)
            .map_err(|_| invalid("branch_labels", label))?;
    }
    Ok(node)
}

/// The message (the docstring's first line, else the file's name) and the `Create Date`.
pub(super) fn message_and_date(file: &str, script: &Script) -> (String, Option<String>) {
    let docstring = script.docstring.as_deref().unwrap_or_default();
    let first = docstring.lines().map(str::trim).find(|l| !l.is_empty());
    let message = first.map_or_else(|| file.trim_end_matches(".py").to_string(), str::to_string);
    let date = docstring
        .lines()
        .find_map(|l| l.trim().strip_prefix("Create Date:"))
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    (message, date)
}
