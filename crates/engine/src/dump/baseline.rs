//! `baseline`: a database whose schema was made by hand, or by a tool we do not know, joins a
//! history. Its schema is read from its catalog and written as the first migration (the
//! dump's statements as the upgrade, their reverse as the downgrade), which is then recorded
//! as applied on that database: nothing runs there. A fresh database builds the same schema
//! from the file. Must not be imported by the runner.

use std::path::{Path, PathBuf};

use super::{creation, schema_statements, sorted};
use crate::authoring::{self, NewRevision};
use crate::catalog::Catalog;
use crate::error::{BaselineError, Result};
use crate::runner::Runner;
use crate::schema::diff::Change;
use crate::schema::model::{Definition, Schema};
use aurora_migrate_core::revision::Target;
use aurora_migrate_core::source::scan;

/// What a baseline wrote and recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    /// The file written.
    pub path: PathBuf,
    /// Its revision, now the database's.
    pub revision: String,
    /// How many tables it creates.
    pub tables: usize,
    /// What the database holds that the file does not rebuild (only with `accept_loss`).
    pub left_out: Vec<crate::schema::model::LeftOut>,
}

/// What a baseline is asked to write.
#[derive(Debug, Clone, Default)]
pub struct Request<'a> {
    /// The migration's message.
    pub message: &'a str,
    /// Its revision id instead of a random one.
    pub rev_id: Option<&'a str>,
    /// Write the file even though the database holds objects it does not rebuild; they are
    /// then listed in its header.
    pub accept_loss: bool,
}

/// Writes the first migration of `dir` from the database `runner` reaches and records it as
/// applied there. Refuses a database with a history, a directory with migrations, and a
/// database holding objects the file would not rebuild (unless `accept_loss`).
pub async fn baseline(runner: &Runner<'_>, dir: &Path, request: &Request<'_>) -> Result<Baseline> {
    let Request {
        message,
        rev_id,
        accept_loss,
    } = *request;
    if let Some(existing) = authoring::read_dir(dir)?
        && !existing.files.is_empty()
    {
        return Err(BaselineError::HasMigrations {
            dir: dir.display().to_string(),
            count: existing.files.len(),
        }
        .into());
    }
    // A SQLite file that does not exist has no schema; opening it would create it.
    if runner
        .url()
        .and_then(|u| u.sqlite_path())
        .is_some_and(|p| !p.exists())
    {
        return Err(BaselineError::Empty.into());
    }
    let kind = runner.kind();
    let mut connection = runner.open_for_reading().await?;
    let read = async {
        let tables = runner.tables();
        if connection.table_exists(tables.bare_version()).await? {
            return Err(BaselineError::HasHistory(tables.version.clone()).into());
        }
        if connection.table_exists("refinery_schema_history").await? {
            return Err(BaselineError::Refinery.into());
        }
        Ok::<_, crate::error::Error>(connection.introspect(tables).await?.schema)
    }
    .await;
    connection.close().await;
    let schema = sorted(&read?);
    if schema.tables.is_empty() && schema.enums.is_empty() && schema.definitions.is_empty() {
        return Err(BaselineError::Empty.into());
    }
    let left_out: Vec<String> = schema
        .left_out
        .iter()
        .map(|o| super::one_line(&o.to_string()))
        .collect();
    if !left_out.is_empty() && !accept_loss {
        return Err(BaselineError::LeftOut(left_out).into());
    }
    let (upgrade, downgrade) = sections(&schema, kind);
    let dialect = kind.name();
    let mut note = format!(
        "Written by baseline from the schema of a {dialect} database, which records it as applied."
    );
    if !left_out.is_empty() {
        note.push_str(&format!(
            "\n-- Its loss accepted, the database holds {} object(s) this file does not rebuild:",
            left_out.len()
        ));
        for object in &left_out {
            note.push_str(&format!("\n--   - {object}"));
        }
    }
    let new = NewRevision {
        message: message.to_string(),
        base: true,
        rev_id: rev_id.map(str::to_string),
        body: Some(format!(
            "-- migrate:upgrade {dialect}\n{upgrade}\n-- migrate:downgrade {dialect}\n{downgrade}"
        )),
        note: Some(note),
        accepted_loss: (!left_out.is_empty())
            .then(|| format!("{} object(s), listed below", left_out.len())),
        ..NewRevision::default()
    };
    let path = authoring::create(dir, &new)?;
    let recorded = record(runner, dir, &path).await;
    match recorded {
        Ok(revision) => Ok(Baseline {
            path,
            revision,
            tables: schema.tables.len(),
            left_out: schema.left_out.clone(),
        }),
        Err(e) => {
            // Nothing half-done: the file goes with the record that failed.
            let _ = std::fs::remove_file(&path);
            Err(e)
        }
    }
}

/// The upgrade and downgrade statements, each ending in `;`.
pub(super) fn sections(schema: &Schema, kind: aurora_migrate_core::Database) -> (String, String) {
    let build = schema_statements(schema, kind);
    let mut undo: Vec<Change> = creation(schema, kind).iter().map(Change::reverse).collect();
    undo.reverse();
    // What was created last goes first: views and triggers before the tables they read,
    // extensions after the tables that use their types.
    let (first, last): (Vec<&Definition>, Vec<&Definition>) =
        schema.definitions.iter().partition(|d| d.before_tables());
    let dropped = |d: &&Definition| crate::schema::render::drop_definition(d, kind);
    let mut drop: Vec<String> = last.iter().rev().map(dropped).collect();
    drop.extend(crate::autogenerate::statements(
        &undo,
        schema,
        &Schema::default(),
        kind,
    ));
    drop.extend(first.iter().rev().map(dropped));
    let text = |statements: Vec<String>| statements.iter().map(|s| format!("{s};\n")).collect();
    (text(build), text(drop))
}

/// Stamps the new file's revision, read back from the directory as a build would embed it.
async fn record(runner: &Runner<'_>, dir: &Path, path: &Path) -> Result<String> {
    let scanned = scan::scan(dir).map_err(|faults| {
        let list: Vec<String> = faults.iter().map(|f| f.to_string()).collect();
        authoring::AuthorError::BrokenDirectory(list.join("\n"))
    })?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let revision = scanned
        .files
        .iter()
        .find(|f| *f.migration.file_name == *name)
        .map(|f| f.migration.id.to_string())
        .unwrap_or_default();
    let catalog = Catalog::from_scan(scanned);
    runner
        .with_catalog(&catalog)
        .stamp(&Target::Revision(revision.clone()), false)
        .await?;
    Ok(revision)
}
