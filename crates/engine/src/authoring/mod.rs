//! Writes new migration files (`create`, `merge`) into a migrations directory on disk, after
//! validating what is already there and every input: the only code that reads `migrations/`
//! at run time. Must not import the runner or the command line.

#[cfg(feature = "import")]
pub mod alembic;
mod file;

use std::path::{Path, PathBuf};

pub use aurora_migrate_core::authoring::AuthorError;
pub use file::slug;

use crate::error::{Error, Result};
use aurora_migrate_core::authoring as check;
use aurora_migrate_core::revision::target::{self, Destination, Target};
use aurora_migrate_core::source::scan::{self, Scan};

/// What the new file should say.
#[derive(Debug, Clone, Default)]
pub struct NewRevision {
    /// The one-line message.
    pub message: String,
    /// A Rust migration instead of SQL.
    pub rust: bool,
    /// Where it goes: `None` for the single head; `Some("base")` starts a new base.
    pub head: Option<String>,
    /// Start a new history (or a new base beside the existing ones): the only way to write a
    /// revision with no parent where the directory does not exist or already has migrations.
    pub base: bool,
    /// Branch labels for it.
    pub branch_labels: Vec<String>,
    /// Revisions it depends on without being their child.
    pub depends_on: Vec<String>,
    /// Its id, instead of a random one.
    pub rev_id: Option<String>,
    /// Sections written by autogenerate, instead of the empty template.
    pub body: Option<String>,
    /// Parents fixed by the caller (autogenerate: the revisions the compared schema is at),
    /// instead of the directory's head or `head`.
    pub parents: Option<Vec<String>>,
    /// The migration must run outside a transaction (`Transaction: none`).
    pub outside_transaction: bool,
    /// Where a body came from, said under the header [default: autogenerate's line].
    pub note: Option<String>,
    /// For a squash: the revisions it stands for (`Replaces`).
    pub replaces: Vec<String>,
    /// For a baseline that does not rebuild everything its database held: what it leaves out,
    /// in a word (`Accepted Loss`).
    pub accepted_loss: Option<String>,
}

/// Reads and validates the directory; a missing directory is `None`.
pub fn read_dir(dir: &Path) -> Result<Option<Scan>> {
    if !dir.exists() {
        return Ok(None);
    }
    scan::scan_drafts(dir).map(Some).map_err(|faults| {
        let list: Vec<String> = faults.iter().map(|f| f.to_string()).collect();
        AuthorError::BrokenDirectory(list.join("\n")).into()
    })
}

/// Writes a new revision file and returns its path. Every input is checked first: a refusal
/// writes nothing.
pub fn create(dir: &Path, new: &NewRevision) -> Result<PathBuf> {
    let message = check::message(&new.message)?;
    let scan = read_dir(dir)?;
    if scan.is_none() && !new.base {
        return Err(AuthorError::NoDirectory {
            dir: dir.display().to_string(),
        }
        .into());
    }
    let graph = scan.as_ref().map(|s| &s.graph);
    let parents = match (&scan, new.head.as_deref()) {
        _ if new.parents.is_some() => new.parents.clone().unwrap_or_default(),
        _ if new.base => Vec::new(),
        (_, Some("base")) => Vec::new(),
        (None, Some(head)) => return Err(AuthorError::HeadWithoutMigrations(head.into()).into()),
        (Some(scan), head) => parent_of(scan, head)?,
        (None, None) => Vec::new(),
    };
    // A revision with no parent starts a history: only when asked.
    let asked = new.base || new.head.as_deref() == Some("base") || new.parents.is_some();
    if parents.is_empty() && !asked {
        return Err(AuthorError::NewHistory {
            dir: dir.display().to_string(),
        }
        .into());
    }
    if let Some(id) = &new.rev_id {
        check::id(graph, id)?;
    }
    let id = new_id(scan.as_ref(), new.rev_id.as_deref());
    let depends_on = resolve_all(scan.as_ref(), &new.depends_on)?;
    for label in &new.branch_labels {
        check::label(graph, label)?;
    }
    let text = file::render(new, message, &id, &parents, &depends_on);
    if scan.is_none() {
        // A new history, asked for: its directory is made now, every input checked.
        crate::disk::make_dir(dir)?;
    }
    file::write(
        dir,
        &id,
        message,
        if new.rust { "rs" } else { "sql" },
        &text,
    )
}

/// Writes a merge revision of `revisions` (`heads` for all heads) and returns its path.
pub fn merge(
    dir: &Path,
    revisions: &[String],
    message: &str,
    rev_id: Option<&str>,
) -> Result<PathBuf> {
    let message = check::message(message)?;
    let Some(scan) = read_dir(dir)? else {
        return Err(AuthorError::NothingToMerge(dir.display().to_string()).into());
    };
    let graph = &scan.graph;
    let mut parents: Vec<usize> = Vec::new();
    for name in revisions {
        let found = match Target::parse(name)? {
            Target::Heads => graph.heads(),
            Target::Head => vec![target::single_head(graph)?],
            other => match target::resolve(graph, &other, &[])? {
                Destination::Revisions(list) => list,
                _ => return Err(AuthorError::NotARevision(name.clone()).into()),
            },
        };
        parents.extend(found);
    }
    let parents = graph.ordered(parents);
    if parents.len() < 2 {
        let got = match parents.is_empty() {
            true => "none".to_string(),
            false => target::ids(graph, &parents),
        };
        return Err(AuthorError::MergeNeedsTwo(got).into());
    }
    check::merge_parents(graph, &parents)?;
    if let Some(id) = rev_id {
        check::id(Some(graph), id)?;
    }
    let ids: Vec<String> = parents.iter().map(|&p| graph.node(p).id.clone()).collect();
    let id = new_id(Some(&scan), rev_id);
    let new = NewRevision::default();
    let text = file::render(&new, message, &id, &ids, &[]);
    file::write(dir, &id, message, "sql", &text)
}

/// The heads of the migrations in `dir`, sorted, when the directory exists and its files are
/// not the ones `catalog` holds (a file written since the build): authoring follows the disk.
pub fn disk_heads_if_different(
    catalog: &crate::catalog::Catalog,
    dir: &Path,
) -> Option<Vec<String>> {
    let scan = read_dir(dir).ok().flatten()?;
    let heads = |graph: &aurora_migrate_core::revision::Graph| {
        let mut heads: Vec<String> = graph
            .heads()
            .iter()
            .map(|&h| graph.node(h).id.clone())
            .collect();
        heads.sort();
        heads
    };
    let (disk, built) = (heads(&scan.graph), heads(catalog.graph()));
    let same = disk == built
        && scan.files.len() == catalog.len()
        && scan.files.iter().all(|f| {
            catalog
                .graph()
                .index_of(&f.migration.id)
                .is_some_and(|i| catalog.migration(i).checksum == f.migration.checksum)
        });
    (!same).then_some(disk)
}

fn parent_of(scan: &Scan, head: Option<&str>) -> Result<Vec<String>> {
    let graph = &scan.graph;
    let index = match head {
        None if graph.is_empty() => return Ok(Vec::new()),
        None => target::single_head(graph).map_err(|e| match e {
            target::TargetError::SeveralHeads(heads) => AuthorError::SeveralHeads(heads).into(),
            other => Error::from(other),
        })?,
        Some(name) => match target::resolve(graph, &Target::parse(name)?, &[])? {
            Destination::Revisions(list) if list.len() == 1 => list[0],
            _ => return Err(AuthorError::HeadNotOne(name.to_string()).into()),
        },
    };
    Ok(vec![graph.node(index).id.clone()])
}

fn resolve_all(scan: Option<&Scan>, names: &[String]) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for name in names
        .iter()
        .flat_map(|n| n.split(','))
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let Some(scan) = scan else {
            return Err(target::TargetError::Unknown(name.to_string()).into());
        };
        ids.push(
            scan.graph
                .node(target::lookup(&scan.graph, name)?)
                .id
                .clone(),
        );
    }
    Ok(ids)
}

/// The id asked for (already checked), or a new 12-hex id as Alembic makes them, free of any
/// collision with the graph.
fn new_id(scan: Option<&Scan>, wanted: Option<&str>) -> String {
    if let Some(id) = wanted {
        return id.to_string();
    }
    loop {
        let hex = uuid::Uuid::new_v4().simple().to_string();
        let id = hex[hex.len() - 12..].to_string();
        if check::id(scan.map(|s| &s.graph), &id).is_ok() {
            return id;
        }
    }
}

#[cfg(test)]
mod tests;
