//! Where a database stands against the catalogue, as data a readiness probe can serve:
//! behind (revisions pending), at the heads, ahead (revisions this build does not know, all
//! declared expand, so the build's code still works, or not),
//! dirty, changed checksums, or a version table the graph cannot explain. Reads, never writes;
//! must not import the command line.

use super::Runner;
use super::state::{Beyond, Records};
use crate::bookkeeping::{DirtyMark, Inconsistency};
use crate::catalog::Catalog;
use crate::error::Result;
use aurora_migrate_core::Compatibility;

/// The database's position, judged once from one read of the bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Standing {
    /// Applied revisions, parents first (graph indices).
    pub applied: Vec<usize>,
    /// Revisions of the catalogue not applied, parents first.
    pub pending: Vec<usize>,
    /// The version table's rows the catalogue knows.
    pub current: Vec<usize>,
    /// Rows the catalogue does not know: a newer build migrated the database.
    pub unknown: Vec<String>,
    /// The revisions beyond this build (the unknown rows and the ancestors of theirs it lacks),
    /// with what the log recorded of each.
    pub beyond: Vec<Beyond>,
    /// Applied revisions whose file changed since, with the recorded checksum.
    pub changed: Vec<(usize, String)>,
    /// Applied revisions with no recorded checksum (another tool applied them).
    pub unrecorded: Vec<usize>,
    /// Migrations that started and did not finish (MySQL).
    pub dirty: Vec<DirtyMark>,
    /// Migrations that stopped part-way, as the step journal records them (`Transaction:
    /// none` on PostgreSQL and SQLite).
    pub unfinished: Vec<super::Unfinished>,
    /// Ways the version table disagrees with the graph.
    pub inconsistencies: Vec<Inconsistency>,
    /// Revisions the log records as applied that the version table does not hold.
    pub logged_not_applied: Vec<usize>,
    /// The backfills of applied revisions, as their jobs stand: a service is ready while they
    /// run ("ready, backfill at 40%").
    pub backfills: Vec<crate::backfill::Job>,
}

/// The one-word summary of a [`Standing`], worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// The version table does not describe one place in the graph.
    Inconsistent,
    /// A migration did not finish (MySQL).
    Dirty,
    /// A migration stopped part-way; the next run continues it.
    Unfinished,
    /// An applied migration's file changed.
    Changed,
    /// The log records revisions as applied that the version table does not hold: their
    /// changes may be in the schema although the table says they are not.
    LoggedNotApplied,
    /// Both ahead and behind: a newer build ran, and this one has revisions it lacks.
    Diverged,
    /// The database holds revisions this build does not know, each declared
    /// `Compatibility: expand`: this build's code keeps working on it.
    AheadCompatible,
    /// The database holds revisions this build does not know, not all declared expand (or
    /// recorded before compatibility was): this build's code may not work on it.
    AheadIncompatible,
    /// Revisions are pending.
    Behind,
    /// Every revision applied, nothing unknown: ready.
    AtHeads,
}

impl State {
    /// A stable name, for JSON and scripts.
    pub fn name(self) -> &'static str {
        match self {
            State::Inconsistent => "inconsistent",
            State::Dirty => "dirty",
            State::Unfinished => "unfinished",
            State::Changed => "changed",
            State::LoggedNotApplied => "logged_not_applied",
            State::Diverged => "diverged",
            State::AheadCompatible => "ahead_compatible",
            State::AheadIncompatible => "ahead_incompatible",
            State::Behind => "behind",
            State::AtHeads => "at_heads",
        }
    }
}

impl Standing {
    /// Judges `status` against the catalogue; the migrations left part-way need the database
    /// to check, and [`Runner::standing`] adds them.
    pub fn of(catalog: &Catalog, status: &Records) -> Standing {
        let graph = catalog.graph();
        Standing {
            applied: graph.ordered(status.applied.set.iter().copied()),
            pending: graph.ordered((0..graph.len()).filter(|i| !status.applied.set.contains(i))),
            current: status.current.clone(),
            unknown: status.unknown.clone(),
            beyond: status.beyond.clone(),
            changed: status.mismatches(catalog),
            unrecorded: status.unrecorded(catalog),
            dirty: status.dirty.clone(),
            unfinished: Vec::new(),
            inconsistencies: status.inconsistencies.clone(),
            logged_not_applied: status.logged_not_applied.clone(),
            backfills: Vec::new(),
        }
    }

    /// The worst of what it found.
    pub fn state(&self) -> State {
        match () {
            _ if !self.inconsistencies.is_empty() => State::Inconsistent,
            _ if !self.dirty.is_empty() => State::Dirty,
            _ if !self.unfinished.is_empty() => State::Unfinished,
            _ if !self.changed.is_empty() => State::Changed,
            _ if !self.logged_not_applied.is_empty() => State::LoggedNotApplied,
            _ if !self.unknown.is_empty() && !self.pending.is_empty() => State::Diverged,
            _ if !self.unknown.is_empty() && self.incompatible().is_empty() => {
                State::AheadCompatible
            }
            _ if !self.unknown.is_empty() => State::AheadIncompatible,
            _ if !self.pending.is_empty() => State::Behind,
            _ => State::AtHeads,
        }
    }

    /// The revisions beyond the build not declared `Compatibility: expand` (or with no
    /// record to tell).
    pub fn incompatible(&self) -> Vec<&str> {
        self.beyond
            .iter()
            .filter(|b| b.record.as_ref().map(|r| r.compatibility) != Some(Compatibility::Expand))
            .map(|b| b.id.as_str())
            .collect()
    }

    /// What a readiness probe says: `ready` or `not ready: <state>`, then each backfill not
    /// done and how far it is, as `ready, backfill 8d1e6b0f2a57 at 40%`.
    pub fn readiness(&self) -> String {
        let mut text = match self.is_ready() {
            true => "ready".to_string(),
            false => format!("not ready: {}", self.state().name()),
        };
        for job in self.backfills_left() {
            text.push_str(&format!(
                ", backfill {} {} at {:.0}%",
                job.revision,
                job.state.name(),
                job.percent()
            ));
        }
        text
    }

    /// The backfills not done yet.
    pub fn backfills_left(&self) -> impl Iterator<Item = &crate::backfill::Job> {
        self.backfills.iter().filter(|job| !job.is_done())
    }

    /// At the heads, or ahead only by expand revisions, with nothing to repair: what a
    /// readiness probe waits for (backfills run while the service is ready).
    pub fn is_ready(&self) -> bool {
        matches!(self.state(), State::AtHeads | State::AheadCompatible)
    }
}

impl Runner<'_> {
    /// Where the database stands, changing nothing (a missing SQLite file stands at base).
    pub async fn standing(&self) -> Result<Standing> {
        let (status, backfills) = self.records_and_jobs().await?;
        let mut standing = Standing::of(self.catalog, &status);
        standing.unfinished = self.unfinished(&status).await?;
        standing.backfills = backfills;
        Ok(standing)
    }
}
