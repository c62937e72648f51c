//! Alembic as the renderer: every revision's upgrade and downgrade, per database, rendered by
//! the project's own Alembic in offline mode (what `alembic upgrade --sql A:B` prints), keeping
//! only the SQL the migration function emits (not Alembic's version-table statements nor its
//! transaction framing), put in place of the static conversion of each section of a [`Plan`].
//! One Python process per database runs our driver (driver.py and patches.py, carried in the
//! binary) over every revision the plan holds, skipping the files the plan skipped (two for
//! MySQL: SQLAlchemy's MySQL dialect for MySQL and for MariaDB, one section serving both); a
//! section it cannot render keeps the static conversion, under a line saying why. Must not
//! import the runner.

mod interpreter;
mod mariadb;
mod result;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::report::{Reason, Rendering, Todo};
use super::{Plan, text};
use crate::error::{RenderError, Result};
use aurora_migrate_core::Database;
use result::{Outcome, Unusable};

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
    /// Variables its Python sees besides this process's environment (a `.env` file's, which
    /// the project's `env.py` may read).
    pub environment: Vec<(String, String)>,
}

/// What Alembic's offline mode rendered for every revision, direction and database.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Rendered {
    /// Alembic's version.
    version: String,
    /// Keyed by revision id, `upgrade` or `downgrade`, and database.
    sections: HashMap<(String, String, Database), Outcome>,
}

/// Renders every revision of `plan` (read from `versions`) through the project's Alembic, for
/// each database the plan has sections for, one Python process per database, all at once; and
/// puts the SQL in place of each section's static conversion, or keeps that conversion under a
/// line saying why offline mode could not render the section.
pub(super) fn render(versions: &Path, plan: &mut Plan, alembic: &Alembic) -> Result<()> {
    let (rendered, python) = run(versions, plan, alembic)?;
    apply(plan, &rendered);
    plan.alembic = Some(Rendering {
        version: rendered.version,
        python,
    });
    Ok(())
}

/// Puts what Alembic rendered in the plan's sections.
fn apply(plan: &mut Plan, rendered: &Rendered) {
    for revision in &mut plan.revisions {
        let mut outside = false;
        for section in &mut revision.sections {
            let key = (
                revision.node.id.clone(),
                section.direction.to_string(),
                section.database,
            );
            match rendered.sections.get(&key) {
                Some(Outcome::Sql {
                    statements,
                    outside_transaction,
                }) => {
                    outside |= *outside_transaction;
                    section.rendered(statements.clone());
                }
                Some(Outcome::Failed { reason, line, what }) => section.fallback(
                    *line,
                    Todo::new(
                        *reason,
                        format!("Alembic's offline mode could not render this section: {what}"),
                    ),
                ),
                None => section.fallback(
                    None,
                    Todo::new(
                        Reason::NotRendered,
                        "Alembic's offline mode did not render this section: Alembic did not load \
                         the script as a revision",
                    ),
                ),
            }
        }
        // An autocommit_block commits around itself: the migration runs outside a transaction.
        if outside {
            revision.header = text::outside_transaction(&revision.header);
        }
    }
}

/// The databases the plan has sections for, in their order.
fn databases(plan: &Plan) -> Vec<Database> {
    let mut databases = Vec::new();
    for section in plan.revisions.iter().flat_map(|r| &r.sections) {
        if !databases.contains(&section.database) {
            databases.push(section.database);
        }
    }
    databases
}

/// What the driver is asked: the project, the dialect, and the importer's reading of the
/// versions directory (what is skipped, and each revision's facts for a script Python cannot
/// import), so that Alembic and the importer take the same files for revisions.
fn request(versions: &Path, plan: &Plan, alembic: &Alembic, dialect: &str) -> String {
    let revisions: serde_json::Map<String, serde_json::Value> = plan
        .revisions
        .iter()
        .map(|r| {
            let facts = serde_json::json!({
                "revision": r.node.id,
                "down_revision": r.node.parents,
                "branch_labels": r.node.branch_labels,
                "depends_on": r.node.depends_on,
            });
            (r.script.clone(), facts)
        })
        .collect();
    serde_json::json!({
        "ini": absolute(&alembic.ini),
        "versions": absolute(versions),
        "url": url(dialect),
        "mariadb": dialect == MARIADB,
        "skipped": plan.skipped.iter().map(|s| &s.file).collect::<Vec<_>>(),
        "revisions": revisions,
    })
    .to_string()
}

/// Runs the driver for every database: what Alembic rendered, and the Python that ran it.
fn run(versions: &Path, plan: &Plan, alembic: &Alembic) -> Result<(Rendered, PathBuf)> {
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
    let file = |dialect: &str, what: &str| work.path().join(format!("{dialect}.{what}"));
    let mut running = Vec::new();
    for database in databases(plan) {
        for &dialect in dialects(database) {
            std::fs::write(
                file(dialect, "request"),
                request(versions, plan, alembic, dialect),
            )
            .map_err(|e| failed(format!("cannot write its request: {e}")))?;
            let stderr = std::fs::File::create(file(dialect, "stderr"))
                .map_err(|e| failed(format!("cannot write its log: {e}")))?;
            let child = Command::new(&python)
                .arg(&driver)
                .arg(file(dialect, "request"))
                .arg(file(dialect, "result"))
                .envs(alembic.environment.iter().map(|(k, v)| (k, v)))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(stderr)
                .spawn()
                .map_err(|e| failed(e.to_string()))?;
            running.push((database, dialect, child));
        }
    }
    let mut results = Vec::new();
    for (database, dialect, mut child) in running {
        let status = child.wait().map_err(|e| failed(e.to_string()))?;
        let log = std::fs::read_to_string(file(dialect, "stderr")).unwrap_or_default();
        match std::fs::read_to_string(file(dialect, "result")) {
            Ok(text) if status.success() => results.push((database, dialect, text)),
            _ => return Err(failed(format!("it exited with {status}: {}", tail(&log))).into()),
        }
    }
    let (mut rendered, mut mariadb) = (Rendered::default(), Rendered::default());
    for (database, dialect, text) in results {
        let into = match dialect {
            MARIADB => &mut mariadb,
            _ => &mut rendered,
        };
        result::read(into, database, &text).map_err(|why| match why {
            Unusable::Text(why) => failed(format!("its result cannot be read: {why}")),
            Unusable::Project(why) => RenderError::Project { database, why },
            Unusable::Environment(why) => RenderError::Environment { database, why },
        })?;
    }
    mariadb::agree(&mut rendered, &mariadb);
    Ok((rendered, python))
}

/// SQLAlchemy's MySQL dialect as it stands once connected to a MariaDB server (`is_mariadb`:
/// its name is still `mysql`, its SQL and reserved words MariaDB's), which renders MySQL's
/// sections a second time.
const MARIADB: &str = "mariadb";

/// The SQLAlchemy dialects a database's sections are rendered with. A `mysql` section serves
/// MySQL and MariaDB, for which SQLAlchemy writes some statements differently.
fn dialects(database: Database) -> &'static [&'static str] {
    match database {
        Database::Postgres => &["postgresql"],
        Database::Sqlite => &["sqlite"],
        Database::Mysql => &["mysql", MARIADB],
    }
}

/// The URL Alembic gets for a dialect: a dialect, no server (nothing connects offline).
fn url(dialect: &str) -> &'static str {
    match dialect {
        "postgresql" => "postgresql://",
        "sqlite" => "sqlite://",
        _ => "mysql://",
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

#[cfg(test)]
mod tests;
