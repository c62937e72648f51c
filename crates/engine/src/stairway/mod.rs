//! The checks every project writes by hand, in one call: in a throwaway database, each revision
//! in turn goes up one step, down one step (which must leave the schema as it was before it),
//! and up again ("stairway", as pytest-alembic does); then the graph must have one head, and
//! the models must match the schema at the head. Must not be imported by the runner.

use crate::autogenerate::{compare, introspect};
use crate::catalog::Catalog;
use crate::driver::scratch;
use crate::error::{Error, Result};
use crate::runner::{Options, Runner};
use crate::schema::diff::{Change, diff};
use crate::schema::model::Schema;
use crate::url::DatabaseUrl;
use aurora_migrate_core::Database;
use aurora_migrate_core::revision::Target;

/// What the stairway found at one revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stair {
    /// The revision.
    pub revision: String,
    /// What went wrong there; `None` when up, down and up again all held.
    pub problem: Option<Problem>,
}

/// A revision that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Its upgrade failed (the message).
    Upgrade(String),
    /// Its downgrade failed (the message).
    Downgrade(String),
    /// Its downgrade did not bring the schema back to what it was before the upgrade: what
    /// differs, as autogenerate describes it.
    NotReversed(Vec<String>),
    /// After its downgrade, its upgrade failed again (the message): the downgrade left
    /// something behind, or the upgrade is not the same twice.
    Reupgrade(String),
}

/// What `test` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stairway {
    /// The database it ran on.
    pub database: Database,
    /// Each revision, in the order they were taken.
    pub stairs: Vec<Stair>,
    /// The graph's heads; more than one is a problem.
    pub heads: Vec<String>,
    /// How the models differ from the schema at the head (empty: they match); `None` when
    /// there are no models, or the stairway stopped before the head.
    pub models: Option<Vec<String>>,
    /// The throwaway database it ran in, dropped since (for SQLite, the file's stem).
    pub scratch: String,
}

impl Stairway {
    /// Every revision held, one head, and the models (if any) match.
    pub fn passed(&self) -> bool {
        self.stairs.iter().all(|s| s.problem.is_none())
            && self.heads.len() == 1
            && self.models.as_ref().is_none_or(Vec::is_empty)
    }
}

/// Runs the stairway in a throwaway database beside `server` (a temporary SQLite file when
/// `None`), dropped after whatever happens; `options.interrupt`, when raised, stops it at once.
/// `on_stair` hears each revision as it is done.
pub async fn stairway(
    catalog: &Catalog,
    server: Option<&DatabaseUrl>,
    models: Option<&Schema>,
    options: Options,
    on_stair: &mut dyn FnMut(&Stair),
) -> Result<Stairway> {
    let interrupt = options.interrupt.clone();
    let (mut found, name) = scratch::within(server, "test", interrupt.as_ref(), async |url| {
        let runner = Runner::new(catalog, url.clone(), options)?;
        climb(&runner, models, on_stair).await
    })
    .await?;
    found.scratch = name;
    Ok(found)
}

async fn climb(
    runner: &Runner<'_>,
    models: Option<&Schema>,
    on_stair: &mut dyn FnMut(&Stair),
) -> Result<Stairway> {
    let catalog = runner.catalog();
    let graph = catalog.graph();
    let kind = runner.kind();
    let mut stairs = Vec::new();
    let mut before = schema(runner).await?;
    let mut complete = true;
    for index in graph.ordered(0..graph.len()) {
        let id = graph.node(index).id.clone();
        let target = Target::Revision(id.clone());
        let problem = match step(runner, &target, &id, &before).await? {
            Ok(after) => {
                before = after;
                None
            }
            Err(problem) => Some(problem),
        };
        let stair = Stair {
            revision: id,
            problem,
        };
        on_stair(&stair);
        let failed = stair.problem.is_some();
        stairs.push(stair);
        if failed {
            // What follows would stand on a broken step.
            complete = false;
            break;
        }
    }
    let heads = graph
        .heads()
        .iter()
        .map(|&h| graph.node(h).id.clone())
        .collect();
    let models = match (models, complete) {
        (Some(models), true) => Some(compare(runner, models).await?.descriptions()),
        _ => None,
    };
    Ok(Stairway {
        database: kind,
        stairs,
        heads,
        models,
        scratch: String::new(),
    })
}

/// Up, down, up again at one revision; the schema after it, or what went wrong.
async fn step(
    runner: &Runner<'_>,
    target: &Target,
    id: &str,
    before: &Schema,
) -> Result<std::result::Result<Schema, Problem>> {
    if let Err(e) = runner.upgrade(target, &mut |_| {}).await {
        return stopped(e).map(|e| Err(Problem::Upgrade(e.to_string())));
    }
    let after = schema(runner).await?;
    if let Err(e) = runner.revert(id, &mut |_| {}).await {
        return stopped(e).map(|e| Err(Problem::Downgrade(e.to_string())));
    }
    let reverted = schema(runner).await?;
    let left: Vec<String> = diff(before, &reverted)
        .iter()
        .flat_map(Change::describe)
        .collect();
    if !left.is_empty() {
        return Ok(Err(Problem::NotReversed(left)));
    }
    if let Err(e) = runner.upgrade(target, &mut |_| {}).await {
        return stopped(e).map(|e| Err(Problem::Reupgrade(e.to_string())));
    }
    Ok(Ok(after))
}

/// A step's error is the revision's problem, unless a signal stopped it: that stops the
/// stairway.
fn stopped(error: Error) -> Result<Error> {
    match error.signal() {
        Some(_) => Err(error),
        None => Ok(error),
    }
}

async fn schema(runner: &Runner<'_>) -> Result<Schema> {
    Ok(introspect(runner).await?.schema.normalized(runner.kind()))
}
