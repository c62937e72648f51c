//! `import alembic`: Alembic's `versions/*.py` become our SQL files with the same revision ids,
//! parents, branch labels and depends_on; each `op.*` call understood becomes SQL for the
//! chosen databases, and the rest a `-- migrate:todo` line (which stops the build at its line)
//! above the Python it came from. Every script is read and the graph checked before one file
//! is written. Must not import the runner.

mod columns;
mod lex;
mod ops;
pub mod python;
pub mod renderer;

use std::path::{Path, PathBuf};

use super::file;
use crate::error::{ImportError, Result};
use aurora_migrate_core::revision::id::{is_keyword, is_valid as is_valid_id};
use aurora_migrate_core::revision::{Graph, Node};
use aurora_migrate_core::{Database, Direction};
use python::{Script, Statement, Value};

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The files written, in the graph's order.
    pub files: Vec<PathBuf>,
    /// The operations left to the user: file, line, and what.
    pub todos: Vec<(PathBuf, usize, String)>,
}

/// A script, read and rendered, not yet written.
struct Converted {
    id: String,
    message: String,
    text: String,
}

/// Imports every script of `versions` into `migrations`, with sections for `databases`.
pub fn import(versions: &Path, migrations: &Path, databases: &[Database]) -> Result<Imported> {
    import_with(versions, migrations, databases, None)
}

/// [`import`], taking each section Alembic rendered where it could.
fn import_with(
    versions: &Path,
    migrations: &Path,
    databases: &[Database],
    rendered: Option<&renderer::Rendered>,
) -> Result<Imported> {
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(versions)
        .map_err(|_| ImportError::NoScripts {
            dir: versions.display().to_string(),
        })?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "py"))
        .collect();
    scripts.sort();
    if scripts.is_empty() {
        return Err(ImportError::NoScripts {
            dir: versions.display().to_string(),
        }
        .into());
    }
    let existing = super::read_dir(migrations)?;
    let mut nodes: Vec<Node> = existing
        .as_ref()
        .map(|scan| {
            (0..scan.graph.len())
                .map(|i| scan.graph.node(i).clone())
                .collect()
        })
        .unwrap_or_default();
    let mut converted = Vec::new();
    for path in &scripts {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(path).map_err(|e| ImportError::Unreadable {
            file: name.clone(),
            line: 1,
            what: e.to_string(),
        })?;
        let text = aurora_migrate_core::text::as_committed(&text);
        let script = python::read(&text).map_err(|(line, what)| ImportError::Unreadable {
            file: name.clone(),
            line,
            what,
        })?;
        let node = node(&name, &script)?;
        if nodes.iter().any(|n| n.id.eq_ignore_ascii_case(&node.id)) {
            return Err(ImportError::Exists {
                id: node.id,
                file: name,
                dir: migrations.display().to_string(),
            }
            .into());
        }
        converted.push(render(&name, &script, &node, databases, rendered)?);
        nodes.push(node);
    }
    let graph = Graph::new(nodes).map_err(|e| ImportError::Graph(format!("{e:?}")))?;
    // Parents before children, so the directory is valid at every file.
    let order: Vec<usize> = graph.ordered(0..graph.len());
    let mut imported = Imported {
        files: Vec::new(),
        todos: Vec::new(),
    };
    if existing.is_none() {
        crate::disk::make_dir(migrations)?;
    }
    for index in order {
        let Some(file) = converted.iter().find(|c| c.id == graph.node(index).id) else {
            continue;
        };
        let path = match file::write(migrations, &file.id, &file.message, "sql", &file.text) {
            Ok(path) => path,
            Err(error) => {
                // All or nothing: the files this import wrote go again.
                for written in &imported.files {
                    let _ = std::fs::remove_file(written);
                }
                return Err(error);
            }
        };
        for (number, line) in file.text.lines().enumerate() {
            if let Some(what) = line.strip_prefix("-- migrate:todo ") {
                imported
                    .todos
                    .push((path.clone(), number + 1, what.to_string()));
            }
        }
        imported.files.push(path);
    }
    Ok(imported)
}

/// The revision facts of a script, which must be literals.
fn node(file: &str, script: &Script) -> Result<Node> {
    let facts = |name: &str, why: &str| ImportError::Facts {
        file: file.to_string(),
        name: name.to_string(),
        why: why.to_string(),
    };
    let ids = |name: &str| -> Result<Vec<String>> {
        match script.get(name) {
            None => Ok(Vec::new()),
            Some(Value::Name(none)) if none == "None" => Ok(Vec::new()),
            Some(Value::Str(one)) => Ok(vec![one.clone()]),
            Some(Value::Seq(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| facts(name, "an item is not a string").into())
                })
                .collect(),
            Some(other) => Err(facts(name, &format!("it is {other:?}")).into()),
        }
    };
    let id = match script.get("revision") {
        Some(Value::Str(id)) => id.clone(),
        _ => return Err(facts("revision", "there is no `revision = \"...\"`").into()),
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

/// Our SQL file for one script.
fn render(
    name: &str,
    script: &Script,
    node: &Node,
    databases: &[Database],
    rendered: Option<&renderer::Rendered>,
) -> Result<Converted> {
    let docstring = script.docstring.as_deref().unwrap_or_default();
    let first = docstring.lines().map(str::trim).find(|l| !l.is_empty());
    let message = first.map_or_else(|| name.trim_end_matches(".py").to_string(), str::to_string);
    let create_date = docstring
        .lines()
        .find_map(|l| l.trim().strip_prefix("Create Date:"))
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let mut header = vec![
        format!("-- {message}"),
        "--".to_string(),
        format!("-- Revision ID: {}", node.id),
        format!("-- Revises: {}", node.parents.join(", ")),
    ];
    if !node.branch_labels.is_empty() {
        header.push(format!(
            "-- Branch Labels: {}",
            node.branch_labels.join(", ")
        ));
    }
    if !node.depends_on.is_empty() {
        header.push(format!("-- Depends On: {}", node.depends_on.join(", ")));
    }
    if let Some(date) = create_date {
        header.push(format!("-- Create Date: {date}"));
    }
    if rendered.is_some_and(|r| r.outside_transaction(&node.id)) {
        header.push("-- Transaction: none".to_string());
    }
    header.push(format!("-- Imported from Alembic's {name}."));
    let mut text = header.join("\n");
    text.push('\n');
    for (direction, body) in [
        (Direction::Upgrade, &script.upgrade),
        (Direction::Downgrade, &script.downgrade),
    ] {
        for &database in databases {
            text.push_str(&format!("\n-- migrate:{direction} {}\n", database.name()));
            match rendered.map(|r| r.section(&node.id, direction, database)) {
                Some(renderer::Section::Rendered(sql)) => {
                    text.push_str(&sql);
                    continue;
                }
                Some(renderer::Section::Static(why)) => text.push_str(&format!(
                    "-- migrate:todo Alembic's offline mode could not render this section ({why}); \
                     converted statically below: check it, then delete this line\n"
                )),
                None => {}
            }
            match body {
                Some(statements) => text.push_str(&section(statements, database)),
                None => text.push_str(&format!(
                    "-- migrate:todo the script has no {direction}() function\n"
                )),
            }
        }
    }
    Ok(Converted {
        id: node.id.clone(),
        message: aurora_migrate_core::authoring::message(&message)?.to_string(),
        text,
    })
}

/// The SQL of a function body on one database: each statement converted, or left to do.
fn section(statements: &[Statement], database: Database) -> String {
    let mut out = String::new();
    for statement in statements {
        match &statement.expression {
            Some(Value::Name(pass)) if pass == "pass" => continue,
            Some(Value::Str(_)) => continue,
            _ => {}
        }
        let converted = match &statement.expression {
            Some(call) => ops::convert(call, database),
            None => Err(
                match statement
                    .source
                    .strip_prefix("op.")
                    .and_then(|rest| rest.split_once('('))
                {
                    Some((name, _)) => {
                        format!("`op.{name}` with arguments beyond literals and calls")
                    }
                    None => "a Python statement, not an `op` call".to_string(),
                },
            ),
        };
        match converted {
            Ok(sql) => {
                for statement in sql {
                    out.push_str(&statement);
                    out.push_str(";\n");
                }
            }
            Err(why) => {
                out.push_str(&format!(
                    "-- migrate:todo line {}: {why}; write its SQL here, then delete this line\n",
                    statement.line
                ));
                for line in statement.source.lines() {
                    out.push_str(&format!("--     {line}\n"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
