//! The documents of the commands that read a database's bookkeeping: `status`, `check`,
//! `lease` and `lease break`. Must not import a command.

use schemars::JsonSchema;
use serde::Serialize;

/// `status`: where the database stands against the build, and whether it is ready.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Status {
    /// `at_heads`, `behind`, `ahead_compatible`, `ahead_incompatible`, `diverged`, `dirty`,
    /// `unfinished`, `changed`, `logged_not_applied` or `inconsistent`.
    pub state: String,
    /// Whether the build can serve this database.
    pub ready: bool,
    /// The revisions of the build the version table holds.
    pub current: Vec<String>,
    /// The build's revisions applied.
    pub applied: Vec<String>,
    /// The build's revisions not applied.
    pub pending: Vec<String>,
    /// Ids in the version table that the build does not carry.
    pub unknown: Vec<String>,
    /// What the log recorded of the revisions beyond the build.
    pub beyond: Vec<BeyondStatus>,
    /// Applied revisions whose file changed since.
    pub changed: Vec<String>,
    /// Applied revisions the log did not record.
    pub unrecorded: Vec<String>,
    /// Revisions a failed step left marked dirty.
    pub dirty: Vec<String>,
    /// Migrations that stopped part-way, as the step journal records them.
    pub unfinished: Vec<UnfinishedStep>,
    /// What does not add up in the bookkeeping, as a person reads it.
    pub inconsistencies: Vec<String>,
    /// Revisions the log records as applied that the version table does not hold.
    pub logged_not_applied: Vec<String>,
    /// The backfills of applied revisions: the database is ready while they run.
    pub backfills: Vec<super::BackfillJob>,
}

/// A migration that stopped part-way: the statement the next run starts at.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct UnfinishedStep {
    /// The revision's id.
    pub revision: String,
    /// `upgrade` or `downgrade`.
    pub direction: String,
    /// The statement, counted from 1.
    pub step: usize,
    /// How many statements the migration has; absent when the build does not contain it.
    pub count: Option<usize>,
    /// `migrations/<file>:<line>`.
    pub location: Option<String>,
    /// The statement's first line.
    pub statement: Option<String>,
    /// `started`, `failed`, or absent when it never started.
    pub state: Option<String>,
    /// How many times it was started.
    pub attempts: i64,
    /// The database's message when it failed.
    pub error: Option<String>,
    /// For a statement left `started`: `took_effect`, `runs_again` or `unknown`.
    pub checked: Option<String>,
    /// What the check found, in words.
    pub check_note: Option<String>,
}

impl UnfinishedStep {
    pub(crate) fn of(unfinished: &aurora_migrate::runner::Unfinished) -> UnfinishedStep {
        use aurora_migrate::runner::Checked;
        let (checked, check_note) = match &unfinished.checked {
            Some(Checked::TookEffect(note)) => (Some("took_effect"), Some(note.clone())),
            Some(Checked::RunsAgain(note)) => (Some("runs_again"), Some(note.clone())),
            Some(Checked::Unknown(note)) => (Some("unknown"), Some(note.clone())),
            Some(_) | None => (None, None),
        };
        let entry = unfinished.entry.as_ref();
        UnfinishedStep {
            revision: unfinished.revision.clone(),
            direction: unfinished.direction.name().to_string(),
            step: unfinished.step + 1,
            count: unfinished.count,
            location: unfinished.location.clone(),
            statement: unfinished.statement.clone(),
            state: entry.map(|e| e.state.name().to_string()),
            attempts: entry.map_or(0, |e| e.attempt),
            error: entry.and_then(|e| e.error.clone()),
            checked: checked.map(str::to_string),
            check_note,
        }
    }

    /// The line `status` and `current` print.
    pub(crate) fn line(&self) -> String {
        let count = self.count.map_or(String::new(), |c| format!(" of {c}"));
        let at = self
            .location
            .as_deref()
            .map_or(String::new(), |l| format!(" ({l})"));
        let state = match (self.state.as_deref(), &self.error) {
            (Some("failed"), Some(error)) => format!("it failed: {error}"),
            (Some("started"), _) => match (self.checked.as_deref(), &self.check_note) {
                (Some("took_effect"), Some(note)) => {
                    format!("it was running when the run stopped, and took effect: {note}")
                }
                (Some("runs_again"), Some(note)) => {
                    format!("it was running when the run stopped, and did not take effect: {note}")
                }
                (_, Some(note)) => format!(
                    "it was running when the run stopped; whether it took effect is unknown: {note}"
                ),
                _ => "it was running when the run stopped".to_string(),
            },
            _ => "it has not started".to_string(),
        };
        let statement = self
            .statement
            .as_deref()
            .map_or(String::new(), |s| format!("\n  statement: {s}"));
        format!(
            "{} of {} stopped part-way: it continues at statement {}{count}{at}; {state}{statement}",
            self.direction, self.revision, self.step
        )
    }
}

/// A revision beyond the build, as `status` says it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct BeyondStatus {
    /// The revision's id.
    pub revision: String,
    /// Its message, as recorded.
    pub message: Option<String>,
    /// Its compatibility, as recorded.
    pub compatibility: Option<String>,
    /// Whether the log stored its downgrade.
    pub revertible: bool,
}

/// `check`: the database at the heads, its checksums and its models.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Check {
    /// Whether nothing is wrong.
    pub ok: bool,
    /// What is wrong, as a person reads it.
    pub problems: Vec<String>,
    /// How many applied revisions' checksums were verified.
    pub checksums_verified: usize,
    /// Whether the models were compared with the database.
    pub models_compared: bool,
    /// What the database holds that models cannot declare, so was not compared.
    pub not_compared: Vec<String>,
}

/// `lease`: who holds the migration lease.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct LeaseShown {
    /// The version table the lease guards.
    pub table: String,
    /// Its holder; `null` when the lease is free.
    pub holder: Option<LeaseHolder>,
}

/// `lease break`: the lease broken, if one was held.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct LeaseBroken {
    /// The version table the lease guards.
    pub table: String,
    /// The holder whose lease was broken; `null` when it was free.
    pub broken: Option<LeaseHolder>,
}

/// The holder of a migration lease.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct LeaseHolder {
    /// Who holds it.
    pub holder: String,
    /// The host it runs on.
    pub host: String,
    /// Its process id, when it gave one.
    pub pid: Option<i64>,
    /// When it took the lease.
    pub acquired_at: String,
    /// When it last renewed it.
    pub renewed_at: String,
    /// When the lease expires unless renewed.
    pub expires_at: String,
    /// The fencing token of the lease.
    pub token: i64,
    /// Whether the lease has not expired.
    pub live: bool,
    /// Whether its holder is known to be gone.
    pub dead: bool,
}

impl LeaseHolder {
    /// The document of the engine's lease holder.
    pub(crate) fn of(holder: &aurora_migrate::error::LeaseHolder) -> LeaseHolder {
        LeaseHolder {
            holder: holder.holder.clone(),
            host: holder.host.clone(),
            pid: holder.pid,
            acquired_at: holder.acquired.clone(),
            renewed_at: holder.renewed.clone(),
            expires_at: holder.expires.clone(),
            token: holder.token,
            live: holder.live,
            dead: holder.dead,
        }
    }
}

/// `repair`: what a decision about a migration that stands part-way changed, or would change.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Repaired {
    /// The revision's id.
    pub revision: String,
    /// `upgrade` or `downgrade`: the run repaired.
    pub direction: String,
    /// `mark-done`, `mark-failed` or `accept-edits`.
    pub action: String,
    /// Why, as the audit keeps it.
    pub reason: String,
    /// Whether it was written (false for `--dry-run`, and when nothing needed changing).
    pub applied: bool,
    /// The statements whose journal rows change.
    pub changes: Vec<RepairedStep>,
}

/// One statement's journal row as a repair changes it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct RepairedStep {
    /// The statement, counted from 1.
    pub step: usize,
    /// `migrations/<file>:<line>`.
    pub location: String,
    /// Its state before, absent when the journal had no row for it.
    pub before: Option<String>,
    /// Its state after.
    pub after: String,
    /// The row is tied to the statement's text as the file now has it.
    pub rehashed: bool,
}
