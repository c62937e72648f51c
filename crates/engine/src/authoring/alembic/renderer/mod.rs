//! Alembic as the renderer: every revision's upgrade and downgrade, per database, rendered by
//! the project's own Alembic in offline mode (what `alembic upgrade --sql A:B` prints), keeping
//! only the SQL the migration function emits (not Alembic's version-table statements nor its
//! transaction framing). One Python process per database runs our driver (driver.py and
//! patches.py, carried in the binary) over every revision; what it cannot render is left to
//! the static converter, with the reason. Must not import the runner.

mod interpreter;
mod report;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub use report::{Report, RevisionReport, SectionReport};

use super::Imported;
use crate::error::{RenderError, Result};
use aurora_migrate_core::{Database, Direction};

/// The driver run by the project's Python: Alembic's API, one database per process.
const DRIVER: &str = include_str!("driver.py");
/// What the driver changes in Alembic, imported by it from the same directory.
const PATCHES: &str = include_str!("patches.py");

/// The project's Alembic: its `alembic` program (which names its Python) and configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alembic {
    /// The `alembic` program of the project's environment: a path, or a name on `PATH`.
    pub program: PathBuf,
    /// The project's `alembic.ini`.
    pub ini: PathBuf,
}

/// How a section is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Section {
    /// Alembic's SQL for it, the migration's own statements, each ending with `;`.
    Rendered(String),
    /// Alembic could not render it, for this reason: it is converted statically.
    Static(String),
}

/// What Alembic's offline mode rendered for every revision and database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Alembic's version.
    pub version: String,
    /// The Python that ran it.
    pub python: PathBuf,
    /// Files of the versions directory Alembic loaded that are not revisions.
    pub skipped: Vec<String>,
    sections: HashMap<(String, Direction, Database), Outcome>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Sql {
        statements: Vec<String>,
        outside_transaction: bool,
    },
    Failed(String),
}

impl Rendered {
    /// The section of revision `id`, or why Alembic could not render it.
    pub fn section(&self, id: &str, direction: Direction, database: Database) -> Section {
        match self.sections.get(&(id.to_string(), direction, database)) {
            Some(Outcome::Sql { statements, .. }) => Section::Rendered(sql(statements)),
            Some(Outcome::Failed(why)) => Section::Static(why.clone()),
            None => Section::Static("Alembic did not load this script as a revision".to_string()),
        }
    }

    /// True when a rendered section of `id` leaves its transaction (`autocommit_block()`):
    /// the migration then runs outside one, where Alembic committed around the block.
    pub fn outside_transaction(&self, id: &str) -> bool {
        self.sections.iter().any(|((rev, _, _), outcome)| {
            rev == id
                && matches!(
                    outcome,
                    Outcome::Sql {
                        outside_transaction: true,
                        ..
                    }
                )
        })
    }
}

/// Imports `versions` into `migrations` as [`super::import`] does, with each section Alembic's
/// offline mode renders, and the static converter's where it cannot (a `-- migrate:todo` line
/// says why).
pub fn import(
    versions: &Path,
    migrations: &Path,
    databases: &[Database],
    alembic: &Alembic,
) -> Result<(Imported, Report)> {
    let rendered = render(versions, databases, alembic)?;
    let imported = super::import_with(versions, migrations, databases, Some(&rendered))?;
    let report = Report::new(&rendered, &imported, databases);
    Ok((imported, report))
}

/// Renders every revision of `versions` for each database, one Python process per database,
/// all at once.
pub fn render(versions: &Path, databases: &[Database], alembic: &Alembic) -> Result<Rendered> {
    if !alembic.ini.is_file() {
        return Err(RenderError::IniMissing {
            path: alembic.ini.display().to_string(),
        }
        .into());
    }
    let python = interpreter::python(&alembic.program)?;
    let failed = |why: String| RenderError::Python {
        python: python.display().to_string(),
        why,
    };
    let work = tempfile::tempdir().map_err(|e| failed(format!("no temporary directory: {e}")))?;
    let driver = work.path().join("aurora_alembic_driver.py");
    for (path, text) in [
        (driver.clone(), DRIVER),
        (work.path().join("aurora_alembic_patches.py"), PATCHES),
    ] {
        std::fs::write(&path, text)
            .map_err(|e| failed(format!("cannot write {}: {e}", path.display())))?;
    }
    let mut running = Vec::new();
    for &database in databases {
        let file = |what: &str| work.path().join(format!("{}.{what}", database.name()));
        let request = serde_json::json!({
            "ini": absolute(&alembic.ini),
            "versions": absolute(versions),
            "url": url(database),
        });
        std::fs::write(file("request"), request.to_string())
            .map_err(|e| failed(format!("cannot write its request: {e}")))?;
        let stderr = std::fs::File::create(file("stderr"))
            .map_err(|e| failed(format!("cannot write its log: {e}")))?;
        let child = Command::new(&python)
            .arg(&driver)
            .arg(file("request"))
            .arg(file("result"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .map_err(|e| failed(e.to_string()))?;
        running.push((database, child));
    }
    let mut rendered = Rendered {
        version: String::new(),
        python: python.clone(),
        skipped: Vec::new(),
        sections: HashMap::new(),
    };
    let mut results = Vec::new();
    for (database, mut child) in running {
        let status = child.wait().map_err(|e| failed(e.to_string()))?;
        let log = std::fs::read_to_string(work.path().join(format!("{}.stderr", database.name())))
            .unwrap_or_default();
        let result =
            std::fs::read_to_string(work.path().join(format!("{}.result", database.name())));
        match result {
            Ok(text) if status.success() => results.push((database, text)),
            _ => return Err(failed(format!("it exited with {status}: {}", tail(&log))).into()),
        }
    }
    for (database, text) in results {
        read_result(&mut rendered, database, &text).map_err(|why| match why {
            Unusable::Text(why) => failed(format!("its result cannot be read: {why}")),
            Unusable::Project(why) => RenderError::Project { database, why },
            Unusable::Environment(why) => RenderError::Environment { database, why },
        })?;
    }
    Ok(rendered)
}

/// The URL Alembic gets for a database: a dialect, no server (nothing connects offline).
fn url(database: Database) -> &'static str {
    match database {
        Database::Postgres => "postgresql://",
        Database::Sqlite => "sqlite://",
        Database::Mysql => "mysql://",
    }
}

fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// The last lines of Python's stderr, where its traceback ends.
fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    match lines.len() {
        0 => "it printed nothing".to_string(),
        n => lines[n.saturating_sub(3)..].join(" / "),
    }
}

/// Why a driver's result is not used.
enum Unusable {
    Text(String),
    Project(String),
    Environment(String),
}

/// Reads one database's result into `rendered`.
fn read_result(
    rendered: &mut Rendered,
    database: Database,
    text: &str,
) -> std::result::Result<(), Unusable> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Unusable::Text(e.to_string()))?;
    if let Some(fatal) = value.get("fatal").and_then(|f| f.as_str()) {
        return Err(Unusable::Project(one_line(fatal)));
    }
    let field = |v: &serde_json::Value, name: &str| -> std::result::Result<String, Unusable> {
        v.get(name)
            .and_then(|s| s.as_str())
            .map(str::to_string)
            .ok_or_else(|| Unusable::Text(format!("no `{name}`")))
    };
    rendered.version = field(&value, "alembic")?;
    for skipped in value
        .get("skipped")
        .and_then(|s| s.as_array())
        .into_iter()
        .flatten()
    {
        if let Some(name) = skipped
            .as_str()
            .filter(|n| !rendered.skipped.iter().any(|s| s == n))
        {
            rendered.skipped.push(name.to_string());
        }
    }
    let scripts = value
        .get("scripts")
        .and_then(|s| s.as_array())
        .ok_or_else(|| Unusable::Text("no `scripts`".to_string()))?;
    let (mut sections, mut environment) = (0, Vec::new());
    for script in scripts {
        let id = field(script, "revision")?;
        for direction in [Direction::Upgrade, Direction::Downgrade] {
            let section = script
                .get(direction.name())
                .ok_or_else(|| Unusable::Text(format!("no `{direction}` for {id}")))?;
            let outcome = outcome(section).map_err(Unusable::Text)?;
            sections += 1;
            if let Some(why) = section.get("env_error").and_then(|e| e.as_str()) {
                environment.push(one_line(why));
            }
            rendered
                .sections
                .insert((id.clone(), direction, database), outcome);
        }
    }
    // Every section failed in env.py: offline mode does not work for this project.
    match environment.first() {
        Some(why) if environment.len() == sections => Err(Unusable::Environment(why.clone())),
        _ => Ok(()),
    }
}

/// One direction's outcome: its statements, or why it failed.
fn outcome(section: &serde_json::Value) -> std::result::Result<Outcome, String> {
    if let Some(why) = section.get("error").and_then(|e| e.as_str()) {
        return Ok(Outcome::Failed(one_line(why)));
    }
    if let Some(why) = section.get("env_error").and_then(|e| e.as_str()) {
        return Ok(Outcome::Failed(format!("env.py failed: {}", one_line(why))));
    }
    let statements = section
        .get("sql")
        .and_then(|s| s.as_array())
        .ok_or_else(|| "a section with neither `sql` nor an error".to_string())?
        .iter()
        .map(|s| {
            s.as_str()
                .map(str::to_string)
                .ok_or_else(|| "a statement that is not text".to_string())
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(Outcome::Sql {
        statements,
        outside_transaction: section
            .get("outside_transaction")
            .and_then(|o| o.as_bool())
            .unwrap_or(false),
    })
}

/// A reason on one line, as a `-- migrate:todo` line holds it.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A section's text: each statement Alembic wrote, with its terminator once (`op.execute`
/// of text that ends with `;` gets a second one from Alembic).
fn sql(statements: &[String]) -> String {
    let mut out = String::new();
    for statement in statements {
        let text = statement.trim();
        let text = text.strip_suffix(';').unwrap_or(text).trim_end();
        if text.is_empty() {
            continue;
        }
        out.push_str(text);
        if !text.ends_with(';') {
            // A statement whose last line is a comment ends on the next line.
            let last = text.lines().last().unwrap_or_default();
            out.push_str(if last.contains("--") { "\n;" } else { ";" });
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
