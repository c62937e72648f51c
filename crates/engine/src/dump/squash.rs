//! `squash`: one migration that builds the schema at a revision from nothing, standing for
//! every revision up to it (`Replaces` in its header). The schema comes from a replay of those
//! revisions on a scratch database (a temporary SQLite file, or a database beside a server):
//! the migrations themselves, not the models, say what the schema was at that revision, and
//! the replay reads it back exactly as that database has it. Must not be imported by the
//! runner.

use std::path::{Path, PathBuf};

use super::baseline::sections;
use super::sorted;
use crate::authoring::{self, NewRevision};
use crate::catalog::Catalog;
use crate::error::Result;
use crate::interrupt::Interrupt;
use crate::runner::scratch;
use crate::runner::{Options, Runner};
use crate::url::DatabaseUrl;
use aurora_migrate_core::revision::Target;
use aurora_migrate_core::revision::target;
use aurora_migrate_core::{Database, Direction};

/// What a squash wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Squashed {
    /// The file written.
    pub path: PathBuf,
    /// The revisions it replaces, in order.
    pub replaces: Vec<String>,
    /// Replaced revisions whose SQL changes rows, which a schema does not carry.
    pub data_changes: Vec<String>,
    /// The database the replay ran on.
    pub dialect: &'static str,
}

/// Writes into `dir` the squash of every revision of `catalog` up to `upto`, replayed on a
/// scratch database next to `server` (a temporary SQLite file without one), dropped whatever
/// happens; `interrupt`, when raised, stops the replay at once.
pub async fn squash(
    catalog: &Catalog,
    dir: &Path,
    upto: &str,
    message: &str,
    server: Option<&DatabaseUrl>,
    interrupt: Option<&Interrupt>,
) -> Result<Squashed> {
    let graph = catalog.graph();
    let top = target::lookup(graph, upto)?;
    let replaced = graph.ordered(graph.with_ancestors([top]));
    let replaces: Vec<String> = replaced.iter().map(|&i| graph.node(i).id.clone()).collect();
    let (schema, _) = scratch::within(server, "squash", interrupt, async |url: &DatabaseUrl| {
        let runner = Runner::new(catalog, url.clone(), Options::default())?;
        runner
            .upgrade(&Target::Revision(graph.node(top).id.clone()), &mut |_| {})
            .await?;
        let mut connection = runner.open_for_reading().await?;
        let schema = connection.introspect(runner.tables()).await;
        connection.close().await;
        schema
    })
    .await?;
    let kind = server.map_or(Database::Sqlite, DatabaseUrl::kind);
    let schema = sorted(&schema.schema);
    let data_changes = replaced
        .iter()
        .filter(|&&i| changes_rows(catalog, i, kind))
        .map(|&i| graph.node(i).id.clone())
        .collect();
    let (upgrade, downgrade) = sections(&schema, kind);
    let dialect = kind.name();
    let new = NewRevision {
        message: message.to_string(),
        base: true,
        body: Some(format!(
            "-- migrate:upgrade {dialect}\n{upgrade}\n-- migrate:downgrade {dialect}\n{downgrade}"
        )),
        note: Some(format!(
            "Written by squash from the schema at {upto}, replayed on a scratch {dialect} database. A fresh \
             database runs it instead of the {} revisions it replaces; a database with history keeps them.",
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
        dialect,
    })
}

/// Whether migration `index`'s upgrade on `kind` inserts, updates or deletes rows.
fn changes_rows(catalog: &Catalog, index: usize, kind: aurora_migrate_core::Database) -> bool {
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
