//! `repair`: a person's verdict on a migration that stands part-way, written into its step
//! journal with who gave it and why, and kept in the audit for good. What it would change is
//! known before anything changes, so that it can be shown first. Must not import autogenerate.

use super::Runner;
use super::prepared::Prepared;
use crate::bookkeeping::{JournalEntry, StepKey, StepState, statement_hash, who};
use crate::error::{Error, RepairError, Result};
use aurora_migrate_core::Direction;

/// What a repair decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RepairAction {
    /// The statement where the migration stands took effect: the next run goes on after it.
    MarkDone,
    /// The statement where the migration stands took no effect: the next run runs it again.
    MarkFailed,
    /// The statements the journal records as run may differ from the file now: the file is
    /// taken as what ran, so that the next run continues.
    AcceptEdits,
}

impl RepairAction {
    /// The name the audit keeps.
    pub fn name(self) -> &'static str {
        match self {
            RepairAction::MarkDone => "mark-done",
            RepairAction::MarkFailed => "mark-failed",
            RepairAction::AcceptEdits => "accept-edits",
        }
    }
}

/// A repair asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Repair {
    /// The migration.
    pub revision: String,
    /// Which way it was running; `None`: the one way its journal has rows for.
    pub direction: Option<Direction>,
    /// What to decide.
    pub action: RepairAction,
    /// Why: kept in the audit and in the journal's note.
    pub reason: String,
    /// The changes a person saw and confirmed: the repair is refused when the journal, read
    /// under the runners' lock, calls for others.
    pub expected: Option<Vec<RepairChange>>,
}

impl Repair {
    /// A repair of the one run of `revision` its journal has rows for.
    pub fn new(
        revision: impl Into<String>,
        action: RepairAction,
        reason: impl Into<String>,
    ) -> Repair {
        Repair {
            revision: revision.into(),
            direction: None,
            action,
            reason: reason.into(),
            expected: None,
        }
    }

    /// Only these changes, as a preview showed them.
    pub fn with_expected(mut self, changes: Vec<RepairChange>) -> Repair {
        self.expected = Some(changes);
        self
    }

    /// The run of that direction, when the journal has rows for both.
    pub fn with_direction(mut self, direction: Direction) -> Repair {
        self.direction = Some(direction);
        self
    }
}

/// One statement's row as a repair changes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RepairChange {
    /// The statement's index, from 0.
    pub step: usize,
    /// `migrations/<file>:<line>`.
    pub location: String,
    /// Its state before; `None` when the journal has no row for it.
    pub before: Option<StepState>,
    /// Its state after.
    pub after: StepState,
    /// The row is tied to the statement's text as the file now has it.
    pub rehashed: bool,
}

/// What a repair changes, for one migration run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RepairPlan {
    /// The migration.
    pub revision: String,
    /// Which way it was running.
    pub direction: Direction,
    /// What is decided.
    pub action: RepairAction,
    /// The rows it changes; empty when there is nothing to change (the file is what ran).
    pub changes: Vec<RepairChange>,
}

impl Runner<'_> {
    /// What `repair` would change, changing nothing.
    pub async fn repair_preview(&self, repair: &Repair) -> Result<RepairPlan> {
        let records = self.records().await?;
        self.plan_repair(repair, &records.journal)
    }

    /// Makes `repair` under the runners' lock, in one transaction with its audit row; returns
    /// what it changed.
    pub async fn repair(&self, repair: &Repair) -> Result<RepairPlan> {
        let (mut connection, records) = self.begin().await?;
        let result = async {
            let plan = self.plan_repair(repair, &records.journal)?;
            if repair.expected.as_ref().is_some_and(|e| *e != plan.changes) {
                return Err(RepairError::Changed {
                    revision: repair.revision.clone(),
                }
                .into());
            }
            if plan.changes.is_empty() {
                return Ok(plan);
            }
            let kind = connection.kind();
            let step = self.prepared_for(&repair.revision, plan.direction)?;
            // The person, where the system names one, on this host and process.
            let who = match std::env::var("USER") {
                Ok(user) if !user.is_empty() => format!("{user} ({})", who()),
                _ => who(),
            };
            let note = format!("{} by {who}: {}", repair.action.name(), repair.reason);
            let key = |step: usize| StepKey {
                revision: &repair.revision,
                direction: plan.direction,
                step,
            };
            let mut statements = self.tables.journal_ddl(kind, true);
            for change in &plan.changes {
                let hash = statement_hash(&step.statements[change.step].text);
                statements.push(self.tables.journal_repaired(
                    kind,
                    key(change.step),
                    &hash,
                    change.after,
                    &note,
                ));
            }
            let audited_step = match repair.action {
                RepairAction::AcceptEdits => None,
                RepairAction::MarkDone | RepairAction::MarkFailed => {
                    plan.changes.first().map(|c| c.step)
                }
            };
            statements.push(self.tables.audit_row(
                kind,
                key(0),
                audited_step,
                repair.action.name(),
                &repair.reason,
                &who,
            ));
            connection.run_in_transaction(&statements).await?;
            Ok(plan)
        }
        .await;
        self.finish(connection, result).await
    }

    /// The migration's statements as this build runs them on this database.
    fn prepared_for(&self, revision: &str, direction: Direction) -> Result<Prepared<'_>> {
        let index = self
            .catalog
            .graph()
            .index_of(revision)
            .ok_or_else(|| Error::UnknownRevision(revision.to_string()))?;
        let migration = self.catalog.migration(index);
        Ok(Prepared {
            revision: revision.to_string(),
            message: migration.message.to_string(),
            parents: Vec::new(),
            direction,
            transactional: migration.transactional,
            origin: crate::error::Origin::File(format!("migrations/{}", migration.file_name)),
            statements: self.catalog.statements(index, self.kind(), direction)?,
            delete_rows: Vec::new(),
            insert_rows: Vec::new(),
            record: None,
            lock_timeout: migration.lock_timeout,
            stored: false,
            journal: Vec::new(),
            backfill: false,
            requires_backfill: Vec::new(),
        })
    }

    fn plan_repair(&self, repair: &Repair, journal: &[JournalEntry]) -> Result<RepairPlan> {
        if repair.reason.trim().is_empty() {
            return Err(RepairError::NoReason.into());
        }
        let of_revision = |d: Direction| {
            journal
                .iter()
                .filter(|e| e.revision == repair.revision && e.direction == d)
                .collect::<Vec<_>>()
        };
        let direction = match repair.direction {
            Some(direction) => direction,
            None => match (
                of_revision(Direction::Upgrade).is_empty(),
                of_revision(Direction::Downgrade).is_empty(),
            ) {
                (false, false) => {
                    return Err(RepairError::BothDirections {
                        revision: repair.revision.clone(),
                    }
                    .into());
                }
                (true, false) => Direction::Downgrade,
                _ => Direction::Upgrade,
            },
        };
        let rows = of_revision(direction);
        if rows.is_empty() {
            return Err(RepairError::NothingToRepair {
                revision: repair.revision.clone(),
            }
            .into());
        }
        let step = self.prepared_for(&repair.revision, direction)?;
        let count = step.statements.len();
        if let Some(beyond) = rows.iter().find(|e| e.step >= count) {
            return Err(RepairError::FileTooShort {
                revision: repair.revision.clone(),
                step: beyond.step,
                count,
            }
            .into());
        }
        let same =
            |e: &JournalEntry| statement_hash(&step.statements[e.step].text) == e.statement_hash;
        let change = |index: usize, before: Option<StepState>, after: StepState| RepairChange {
            step: index,
            location: step.location(index),
            before,
            after,
            rehashed: rows.iter().any(|e| e.step == index && !same(e)),
        };
        let changes = match repair.action {
            RepairAction::AcceptEdits => rows
                .iter()
                .filter(|e| !same(e))
                .map(|e| change(e.step, Some(e.state), e.state))
                .collect(),
            RepairAction::MarkDone | RepairAction::MarkFailed => {
                // Where the migration stands: its first statement not done.
                let at = (0..count)
                    .find(|&i| {
                        !rows
                            .iter()
                            .any(|e| e.step == i && e.state == StepState::Done)
                    })
                    .ok_or_else(|| RepairError::AllDone {
                        revision: repair.revision.clone(),
                    })?;
                let before = rows.iter().find(|e| e.step == at).map(|e| e.state);
                let after = match repair.action {
                    RepairAction::MarkDone => StepState::Done,
                    _ => StepState::Failed,
                };
                vec![change(at, before, after)]
            }
        };
        Ok(RepairPlan {
            revision: repair.revision.clone(),
            direction,
            action: repair.action,
            changes,
        })
    }
}
