//! Migrations a run left part-way, as the step journal records them: which statement comes
//! next, where it is in its file, and for one left `started`, what the catalog says it did.
//! Reads, never writes: must not import autogenerate.

use super::{Records, Runner};
use crate::bookkeeping::{JournalEntry, StepState};
use crate::catalog::Catalog;
use crate::driver::StepCheck;
use crate::error::Result;
use aurora_migrate_core::{Database, Direction};

/// A migration that stopped part-way: where it continues.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unfinished {
    /// The migration.
    pub revision: String,
    /// Which way it was running.
    pub direction: Direction,
    /// Its first statement not done, from 0: where the next run continues.
    pub step: usize,
    /// How many statements it has on this database; `None` when this build does not
    /// contain it.
    pub count: Option<usize>,
    /// `migrations/<file>:<line>` of that statement, when this build contains it.
    pub location: Option<String>,
    /// The statement's first line, when this build contains it.
    pub statement: Option<String>,
    /// Its journal row; `None` when it never started.
    pub entry: Option<JournalEntry>,
    /// For a statement left `started`: what the catalog says it did.
    pub checked: Option<Checked>,
}

/// What a check of the catalog found about a statement left `started`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Checked {
    /// It took effect: the next run marks it done and goes on.
    TookEffect(String),
    /// It did not, or is safe to run again: the next run runs it.
    RunsAgain(String),
    /// Nothing known can tell: a person must look.
    Unknown(String),
}

impl Unfinished {
    /// The migrations `records`' journal shows stopped part-way, with their next statement
    /// as this build has it on `kind`.
    pub(crate) fn of(catalog: &Catalog, records: &Records, kind: Database) -> Vec<Unfinished> {
        let mut found: Vec<Unfinished> = Vec::new();
        for entry in &records.journal {
            let same =
                |u: &Unfinished| u.revision == entry.revision && u.direction == entry.direction;
            if !found.iter().any(same) {
                found.push(Unfinished::from_rows(
                    catalog,
                    &records.journal,
                    entry,
                    kind,
                ));
            }
        }
        found
    }

    fn from_rows(
        catalog: &Catalog,
        journal: &[JournalEntry],
        first: &JournalEntry,
        kind: Database,
    ) -> Unfinished {
        let rows: Vec<&JournalEntry> = journal
            .iter()
            .filter(|e| e.revision == first.revision && e.direction == first.direction)
            .collect();
        let step = rows
            .iter()
            .enumerate()
            .find(|(i, e)| e.step != *i || e.state != StepState::Done)
            .map_or(rows.len(), |(i, _)| i);
        let statements = catalog.graph().index_of(&first.revision).and_then(|index| {
            let statements = catalog.statements(index, kind, first.direction).ok()?;
            let file = catalog.migration(index).file_name.to_string();
            Some((file, statements.into_owned()))
        });
        let (count, location, statement) = match &statements {
            Some((file, statements)) => (
                Some(statements.len()),
                statements
                    .get(step)
                    .map(|s| format!("migrations/{file}:{}", s.line)),
                statements
                    .get(step)
                    .map(|s| s.text.lines().next().unwrap_or_default().to_string()),
            ),
            None => (None, None, None),
        };
        Unfinished {
            revision: first.revision.clone(),
            direction: first.direction,
            step,
            count,
            location,
            statement,
            entry: rows.iter().find(|e| e.step == step).map(|e| (*e).clone()),
            checked: None,
        }
    }
}

impl Runner<'_> {
    /// The migrations `records` shows left part-way, with a check against the catalog of each
    /// statement left `started`. Changes nothing.
    pub async fn unfinished(&self, records: &Records) -> Result<Vec<Unfinished>> {
        let kind = self.kind();
        let mut found = Unfinished::of(self.catalog, records, kind);
        let started = |u: &Unfinished| {
            u.entry
                .as_ref()
                .is_some_and(|e| e.state == StepState::Started)
        };
        if !found.iter().any(started) {
            return Ok(found);
        }
        {
            let mut connection = self.open_for_reading().await?;
            for unfinished in found.iter_mut().filter(|u| started(u)) {
                let Some(index) = self.catalog.graph().index_of(&unfinished.revision) else {
                    continue;
                };
                let statements = self.catalog.statements(index, kind, unfinished.direction)?;
                let Some(statement) = statements.get(unfinished.step) else {
                    continue;
                };
                let checked = match connection.check_step(&statement.text).await {
                    Ok(checked) => checked,
                    Err(e) => {
                        connection.close().await;
                        return Err(e);
                    }
                };
                unfinished.checked = Some(match checked {
                    StepCheck::Done(note) => Checked::TookEffect(note),
                    StepCheck::NotDone(note) => Checked::RunsAgain(note),
                    StepCheck::Unknown(note) => Checked::Unknown(note),
                });
            }
            connection.close().await;
        }
        Ok(found)
    }
}
