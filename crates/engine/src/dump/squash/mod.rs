//! `squash`: one migration that builds the schema at a revision from nothing, standing for
//! every revision up to it (`Replaces` in its header). The schema comes from a replay of those
//! revisions on a scratch database of each kind the squash carries a section for (`dialects`):
//! the migrations themselves, not the models, say what the schema was at that revision, and
//! each replay reads it back exactly as that database has it. Refused, with nothing written and
//! no scratch database made, when the directory is missing, a database lacks a scratch server,
//! or an earlier squash already replaces some of the revisions. Must not be imported by the
//! runner.

mod dialects;

use std::path::{Path, PathBuf};

use super::baseline::sections;
use super::sorted;
use crate::authoring::{self, NewRevision};
use crate::catalog::Catalog;
use crate::driver::scratch;
use crate::error::{Result, SquashError};
use crate::interrupt::Interrupt;
use crate::runner::{Options, Runner};
use crate::schema::model::Schema;
use crate::url::DatabaseUrl;
use aurora_migrate_core::revision::Target;
use aurora_migrate_core::revision::target;
use aurora_migrate_core::{Database, Direction};
use dialects::Replay;

/// What to squash, and where to replay it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The last revision the squash replaces (with every one below it).
    pub upto: &'a str,
    /// Its message.
    pub message: &'a str,
    /// Scratch servers, at most one of each kind; SQLite needs none (a temporary file).
    pub servers: &'a [DatabaseUrl],
    /// The databases the project targets, which a migration with no section of its own for
    /// any runs on; `None`: those the project's files name, else all three.
    pub targets: Option<&'a [Database]>,
    /// When raised, stops the replay and drops its scratch database at once.
    pub interrupt: Option<&'a Interrupt>,
}

/// What a squash wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Squashed {
    /// The file written.
    pub path: PathBuf,
    /// The revisions it replaces, in order.
    pub replaces: Vec<String>,
    /// Replaced revisions whose SQL changes rows, which a schema does not carry.
    pub data_changes: Vec<String>,
    /// The databases it has sections for, each replayed on a scratch database of its kind.
    pub dialects: Vec<Database>,
    /// The kinds of scratch servers given that it did not need.
    pub unused: Vec<Database>,
    /// The scratch databases it replayed on, dropped since.
    pub scratch: Vec<String>,
}

/// Writes into `dir` the squash of every revision of `catalog` up to `request.upto`, with a
/// section for each database it must carry, each replayed on a scratch database of its kind
/// (dropped whatever happens).
pub async fn squash(catalog: &Catalog, dir: &Path, request: &Request<'_>) -> Result<Squashed> {
    if !dir.is_dir() {
        return Err(SquashError::NoDirectory {
            dir: dir.display().to_string(),
        }
        .into());
    }
    let graph = catalog.graph();
    let top = target::lookup(graph, request.upto)?;
    let replaced = graph.ordered(graph.with_ancestors([top]));
    let replaces: Vec<String> = replaced.iter().map(|&i| graph.node(i).id.clone()).collect();
    no_earlier_squash(catalog, dir, &replaces)?;
    let (replays, unused) =
        dialects::replays(catalog, &replaced, request.servers, request.targets)?;
    let (mut upgrades, mut downgrades, mut scratch) = (String::new(), String::new(), Vec::new());
    let mut data_changes = Vec::new();
    for replay in &replays {
        let (schema, name) = replay_on(catalog, top, replay, request.interrupt).await?;
        if !schema.left_out.is_empty() {
            return Err(SquashError::LeftOut {
                kind: replay.kind,
                left_out: schema
                    .left_out
                    .iter()
                    .map(|o| super::one_line(&o.to_string()))
                    .collect(),
            }
            .into());
        }
        let dialect = replay.kind.name();
        let (upgrade, downgrade) = sections(&sorted(&schema), replay.kind);
        upgrades.push_str(&format!("-- migrate:upgrade {dialect}\n{upgrade}\n"));
        downgrades.push_str(&format!("-- migrate:downgrade {dialect}\n{downgrade}\n"));
        scratch.push(name);
        for &i in &replaced {
            let id = &graph.node(i).id;
            if changes_rows(catalog, i, replay.kind) && !data_changes.contains(id) {
                data_changes.push(id.clone());
            }
        }
    }
    data_changes.sort_by_key(|id| replaces.iter().position(|r| r == id));
    let dialects: Vec<Database> = replays.iter().map(|r| r.kind).collect();
    let names: Vec<&str> = dialects.iter().map(|d| d.name()).collect();
    let new = NewRevision {
        message: request.message.to_string(),
        // No parent, in the directory as it is: a squash never starts a directory.
        parents: Some(Vec::new()),
        body: Some(format!("{upgrades}{}", downgrades.trim_end())),
        note: Some(format!(
            "Written by squash from the schema at {}, replayed on a scratch database of each kind ({}). A fresh \
             database runs it instead of the {} revisions it replaces; a database with history keeps them.",
            request.upto,
            names.join(", "),
            replaces.len()
        )),
        replaces: replaces.clone(),
        ..NewRevision::default()
    };
    let path = authoring::create(dir, &new)?;
    Ok(Squashed {
        path,
        replaces,
        data_changes,
        dialects,
        unused,
        scratch,
    })
}

/// The schema at `top` as a scratch database of the replay's kind has it, and that database's
/// name.
async fn replay_on(
    catalog: &Catalog,
    top: usize,
    replay: &Replay<'_>,
    interrupt: Option<&Interrupt>,
) -> Result<(Schema, String)> {
    let target = Target::Revision(catalog.graph().node(top).id.clone());
    let work = async |url: &DatabaseUrl| {
        let runner = Runner::new(catalog, url.clone(), Options::default())?;
        runner.upgrade(&target, &mut |_| {}).await?;
        let mut connection = runner.open_for_reading().await?;
        let schema = connection.introspect(runner.tables()).await;
        connection.close().await;
        schema
    };
    let (introspected, name) = scratch::within(replay.server, "squash", interrupt, work).await?;
    Ok((introspected.schema, name))
}

/// Refuses when a squash the build or the directory holds already replaces one of
/// `replaces`; a squash whose replaced files are gone may itself be replaced.
fn no_earlier_squash(catalog: &Catalog, dir: &Path, replaces: &[String]) -> Result<()> {
    let on_disk = authoring::read_dir(dir)?;
    let built = catalog
        .migrations()
        .iter()
        .chain(catalog.squashed().into_iter().flat_map(Catalog::migrations));
    let disk = on_disk
        .iter()
        .flat_map(|scan| &scan.files)
        .map(|f| &f.migration);
    for squash in built.chain(disk).filter(|m| !m.replaces.is_empty()) {
        let revisions: Vec<String> = replaces
            .iter()
            .filter(|r| squash.replaces.iter().any(|s| s == *r))
            .cloned()
            .collect();
        if !revisions.is_empty() {
            return Err(SquashError::AlreadySquashed {
                squash: squash.id.to_string(),
                file: dir.join(&*squash.file_name).display().to_string(),
                revisions,
            }
            .into());
        }
    }
    Ok(())
}

/// Whether migration `index`'s upgrade on `kind` inserts, updates or deletes rows.
fn changes_rows(catalog: &Catalog, index: usize, kind: Database) -> bool {
    catalog
        .statements(index, kind, Direction::Upgrade)
        .is_ok_and(|statements| {
            statements.iter().any(|s| {
                let first = s.text.split_whitespace().next().unwrap_or_default();
                ["INSERT", "UPDATE", "DELETE", "MERGE"]
                    .contains(&first.to_ascii_uppercase().as_str())
            })
        })
}
