//! `import alembic`: Alembic's `versions/*.py` become our SQL files with the same revision ids,
//! parents, branch labels and depends_on; each `op.*` call understood becomes SQL for the
//! chosen databases, and the rest a `-- migrate:todo` line (which stops the build at its line)
//! above the Python it came from, with its reason. Two phases: [`plan`] reads every script and
//! checks the graph, writing nothing; [`write`] writes the planned files, all or nothing.
//! Between them, where the options name the project's Alembic, [`renderer`] puts the SQL its
//! offline mode renders in place of each section's static conversion. Must not import the
//! runner.

mod columns;
mod context;
mod facts;
mod indexes;
mod names;
mod naming;
mod ops;
mod piece;
#[cfg(test)]
mod probe;
mod python;
mod renderer;
mod report;
mod reserved;
mod section;
mod statement;
mod text;
mod typemap;
mod types;

use std::path::{Path, PathBuf};

use super::file;
use crate::error::{ImportError, Result};
use aurora_migrate_core::revision::{Graph, Node};
use aurora_migrate_core::{Database, Direction};
use context::Ctx;
use names::Scope;
use naming::Convention;
pub use piece::Piece;
pub use renderer::Alembic;
pub use report::{
    By, Imported, Reason, Rendering, ScriptReport, SectionReport, Skipped, Todo, TodoLine,
};
pub use section::Section;
pub use typemap::{Fault, TypeMap};

/// What an import reads besides the scripts.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The databases to write sections for.
    pub databases: Vec<Database>,
    /// The project's own column types.
    pub types: TypeMap,
    /// The file that makes the `MetaData` (its naming convention); by default the `env.py`
    /// beside the versions directory.
    pub naming_from: Option<PathBuf>,
    /// The project's Alembic, to render every section through its offline mode; the static
    /// conversion stays where it cannot.
    pub alembic: Option<Alembic>,
}

/// One script, read and converted, not yet written.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The script's file name.
    pub script: String,
    /// Its revision facts.
    pub node: Node,
    /// The message, for the file's name.
    pub message: String,
    /// The file's header.
    pub header: String,
    /// Its sections, upgrade then downgrade, each for every database.
    pub sections: Vec<Section>,
}

/// Every script read and converted, and the graph checked: what [`write`] writes.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The scripts, parents before children.
    pub revisions: Vec<Converted>,
    /// The files that are not revisions.
    pub skipped: Vec<Skipped>,
    /// What the user should know beside the lines left to do.
    pub notes: Vec<String>,
    /// The Alembic that rendered sections, once [`renderer::render`] has.
    pub alembic: Option<Rendering>,
    /// Whether the migrations directory exists already.
    existing: bool,
}

/// Imports every script of `versions` into `migrations`, with sections for `databases`.
pub fn import(versions: &Path, migrations: &Path, databases: &[Database]) -> Result<Imported> {
    let options = Options {
        databases: databases.to_vec(),
        ..Options::default()
    };
    write(migrations, plan(versions, migrations, &options)?)
}

/// Imports every script of `versions` into `migrations` as `options` say: through Alembic's
/// offline mode where they name the project's Alembic.
pub fn import_with(versions: &Path, migrations: &Path, options: &Options) -> Result<Imported> {
    let mut plan = plan(versions, migrations, options)?;
    if let Some(alembic) = &options.alembic {
        renderer::render(versions, &mut plan, alembic)?;
    }
    write(migrations, plan)
}

/// Reads a type map file.
pub fn type_map(path: &Path) -> Result<TypeMap> {
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::TypeMap {
        file: path.display().to_string(),
        line: 0,
        what: e.to_string(),
    })?;
    TypeMap::parse(&aurora_migrate_core::text::as_committed(&text)).map_err(|fault| {
        ImportError::TypeMap {
            file: path.display().to_string(),
            line: fault.line,
            what: fault.what,
        }
        .into()
    })
}

/// Reads and converts every script and checks the graph; writes nothing.
pub fn plan(versions: &Path, migrations: &Path, options: &Options) -> Result<Plan> {
    let no_scripts = || ImportError::NoScripts {
        dir: versions.display().to_string(),
    };
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(versions)
        .map_err(|_| no_scripts())?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file() && path.extension().is_some_and(|e| e == "py"))
        .collect();
    scripts.sort();
    if scripts.is_empty() {
        return Err(no_scripts().into());
    }
    let (naming, notes) = convention(versions, options)?;
    let existing = super::read_dir(migrations)?;
    let mut nodes: Vec<Node> = existing
        .as_ref()
        .map(|scan| {
            (0..scan.graph.len())
                .map(|i| scan.graph.node(i).clone())
                .collect()
        })
        .unwrap_or_default();
    let (mut converted, mut skipped) = (Vec::new(), Vec::new());
    for path in &scripts {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if let Some(why) = facts::not_a_revision(&name, None) {
            skipped.push(Skipped { file: name, why });
            continue;
        }
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
        if let Some(why) = facts::not_a_revision(&name, Some(&script)) {
            skipped.push(Skipped { file: name, why });
            continue;
        }
        let node = facts::node(&name, &script)?;
        if nodes.iter().any(|n| n.id.eq_ignore_ascii_case(&node.id)) {
            return Err(ImportError::Exists {
                id: node.id,
                file: name,
                dir: migrations.display().to_string(),
            }
            .into());
        }
        converted.push(convert(&name, &script, &node, options, &naming)?);
        nodes.push(node);
    }
    if converted.is_empty() {
        return Err(no_scripts().into());
    }
    let graph = Graph::new(nodes).map_err(|e| ImportError::Graph(format!("{e:?}")))?;
    // Parents before children, so the directory is valid at every file.
    let mut revisions = Vec::new();
    for index in graph.ordered(0..graph.len()) {
        let id = &graph.node(index).id;
        if let Some(at) = converted.iter().position(|c: &Converted| &c.node.id == id) {
            revisions.push(converted.swap_remove(at));
        }
    }
    Ok(Plan {
        revisions,
        skipped,
        notes,
        alembic: None,
        existing: existing.is_some(),
    })
}

/// The naming convention: from the file the options name, else from the `env.py` beside
/// `versions`; and what the user should know of it.
fn convention(versions: &Path, options: &Options) -> Result<(Convention, Vec<String>)> {
    let beside = versions.parent().map(|p| p.join("env.py"));
    let path = match (&options.naming_from, beside) {
        (Some(path), _) => path.clone(),
        (None, Some(env)) if env.is_file() => env,
        _ => return Ok((Convention::default(), Vec::new())),
    };
    let text = std::fs::read_to_string(&path).map_err(|e| ImportError::Unreadable {
        file: path.display().to_string(),
        line: 1,
        what: e.to_string(),
    })?;
    let read = naming::env::read(&aurora_migrate_core::text::as_committed(&text));
    let mut notes = Vec::new();
    if let Some(note) = read.note {
        notes.push(format!("{}: {note}", path.display()));
    }
    let convention = match read.convention {
        Some(convention) => {
            if let Convention::Unknown(why) = &convention {
                notes.push(format!(
                    "{}: its naming convention cannot be read ({why}): names it would make are left to do",
                    path.display()
                ));
            }
            convention
        }
        None if options.naming_from.is_some() => {
            return Err(ImportError::NoConvention {
                file: path.display().to_string(),
            }
            .into());
        }
        None => Convention::default(),
    };
    Ok((convention, notes))
}

/// Our sections for one script.
fn convert(
    name: &str,
    script: &python::Script,
    node: &Node,
    options: &Options,
    naming: &Convention,
) -> Result<Converted> {
    let (message, date) = facts::message_and_date(name, script);
    let module = Scope::module(script);
    let mut sections = Vec::new();
    for (direction, function) in [
        (Direction::Upgrade, &script.upgrade),
        (Direction::Downgrade, &script.downgrade),
    ] {
        let scope = function
            .as_ref()
            .map_or_else(|| module.clone(), |f| module.function(&f.body));
        for &database in &options.databases {
            let created = std::cell::RefCell::new(Vec::new());
            let ctx = Ctx {
                database,
                scope: &scope,
                types: &options.types,
                naming,
                classes: &script.classes,
                created: &created,
            };
            sections.push(section::section(direction, function.as_ref(), script, &ctx));
        }
    }
    let mut header = text::header(node, &message, date.as_deref(), name);
    // An `autocommit_block()` commits around itself: the migration runs outside a transaction.
    if sections.iter().any(|s| s.outside_transaction) {
        header = text::outside_transaction(&header);
    }
    Ok(Converted {
        script: name.to_string(),
        header,
        message: aurora_migrate_core::authoring::message(&message)?.to_string(),
        node: node.clone(),
        sections,
    })
}

/// Writes the planned files, parents first; a failure removes the files already written.
pub fn write(migrations: &Path, plan: Plan) -> Result<Imported> {
    let mut imported = Imported {
        files: Vec::new(),
        todos: Vec::new(),
        scripts: Vec::new(),
        skipped: plan.skipped,
        notes: plan.notes,
        alembic: plan.alembic,
    };
    if !plan.existing {
        crate::disk::make_dir(migrations)?;
    }
    for revision in plan.revisions {
        let (text, lines) = text::render(&revision.header, &revision.sections);
        let path = match file::write(
            migrations,
            &revision.node.id,
            &revision.message,
            "sql",
            &text,
        ) {
            Ok(path) => path,
            Err(error) => {
                // All or nothing: the files this import wrote go again.
                for written in &imported.files {
                    let _ = std::fs::remove_file(written);
                }
                return Err(error);
            }
        };
        let todos = todo_lines(&path, &revision.sections, &lines);
        imported.todos.extend(todos.iter().map(|t| {
            (
                path.clone(),
                t.line,
                format!("line {}: {}", t.script_line, t.what),
            )
        }));
        let sections = revision
            .sections
            .iter()
            .map(|s| SectionReport {
                direction: s.direction,
                database: s.database,
                by: s.by,
                fallback: s.fallback_reason(),
            })
            .collect();
        imported.scripts.push(ScriptReport {
            script: revision.script,
            revision: revision.node.id,
            file: path.clone(),
            todos,
            sections,
        });
        imported.files.push(path);
    }
    Ok(imported)
}

/// The lines left to do in a written file, with where they are.
fn todo_lines(path: &Path, sections: &[Section], lines: &[usize]) -> Vec<TodoLine> {
    let mut at = lines.iter();
    let mut todos = Vec::new();
    for section in sections {
        for piece in &section.pieces {
            if let Some((line, todo)) = piece.todo()
                && let Some(&file_line) = at.next()
            {
                todos.push(TodoLine {
                    file: path.to_path_buf(),
                    line: file_line,
                    script_line: line,
                    direction: section.direction,
                    database: section.database,
                    reason: todo.reason,
                    what: todo.what.clone(),
                });
            }
        }
    }
    todos
}

#[cfg(test)]
mod tests;
