//! Which databases a squash must carry a section for, and the scratch database each is replayed
//! on. A replaced file's section for a database needs that database; a file without one (a
//! plain section, or a Rust migration) runs on every database the project targets: those given,
//! else those any file of the project names, else all three. Each but SQLite (a temporary file)
//! needs a scratch server of its kind. Pure; must not import a driver.

use std::collections::BTreeSet;

use crate::catalog::Catalog;
use crate::error::{Result, SquashError};
use crate::url::DatabaseUrl;
use aurora_migrate_core::source::parse::FileKind;
use aurora_migrate_core::{Database, Direction, Migration};

/// One replay: the database kind, and the server it is made on (`None`: a temporary SQLite
/// file).
#[derive(Debug, Clone, Copy)]
pub(super) struct Replay<'a> {
    pub kind: Database,
    pub server: Option<&'a DatabaseUrl>,
}

/// The replays a squash of `replaced` needs, in the order sections are written, and the kinds
/// of the servers given that it does not need.
pub(super) fn replays<'a>(
    catalog: &Catalog,
    replaced: &[usize],
    servers: &'a [DatabaseUrl],
    targets: Option<&[Database]>,
) -> Result<(Vec<Replay<'a>>, Vec<Database>)> {
    let mut seen = BTreeSet::new();
    for server in servers {
        if !seen.insert(server.kind()) {
            return Err(SquashError::TwoServers(server.kind()).into());
        }
    }
    let named: BTreeSet<Database> = replaced
        .iter()
        .flat_map(|&i| named_by(catalog.migration(i)))
        .collect();
    let portable = replaced
        .iter()
        .any(|&i| runs_anywhere(catalog.migration(i)));
    let mut needed = named.clone();
    if portable {
        needed.extend(project_targets(catalog, targets));
    }
    let server = |kind: Database| servers.iter().find(|s| s.kind() == kind);
    let missing: Vec<Database> = needed
        .iter()
        .copied()
        .filter(|&kind| kind != Database::Sqlite && server(kind).is_none())
        .collect();
    let in_order = |set: &BTreeSet<Database>| -> Vec<Database> {
        Database::ALL
            .into_iter()
            .filter(|k| set.contains(k))
            .collect()
    };
    if !missing.is_empty() {
        return Err(SquashError::MissingScratch {
            needed: in_order(&needed),
            named: in_order(&named),
            portable,
            missing: in_order(&missing.into_iter().collect()),
        }
        .into());
    }
    let replays = in_order(&needed)
        .into_iter()
        .map(|kind| Replay {
            kind,
            server: server(kind).filter(|_| kind != Database::Sqlite),
        })
        .collect();
    let unused = servers
        .iter()
        .map(DatabaseUrl::kind)
        .filter(|k| !needed.contains(k))
        .collect();
    Ok((replays, unused))
}

/// The databases a migration's upgrade has a section of its own for.
fn named_by(migration: &Migration) -> Vec<Database> {
    migration
        .sections
        .iter()
        .filter(|s| s.direction == Direction::Upgrade)
        .filter_map(|s| s.database)
        .collect()
}

/// A Rust migration (portable DDL, or refinery's SQL) or a plain upgrade section runs on
/// every database.
fn runs_anywhere(migration: &Migration) -> bool {
    migration.kind == FileKind::Rust
        || migration
            .sections
            .iter()
            .any(|s| s.direction == Direction::Upgrade && s.database.is_none())
}

/// The databases the project targets: as given, else those its files name, else all three.
fn project_targets(catalog: &Catalog, targets: Option<&[Database]>) -> Vec<Database> {
    if let Some(targets) = targets.filter(|t| !t.is_empty()) {
        return targets.to_vec();
    }
    let named: BTreeSet<Database> = catalog.migrations().iter().flat_map(named_by).collect();
    match named.is_empty() {
        true => Database::ALL.to_vec(),
        false => named.into_iter().collect(),
    }
}
