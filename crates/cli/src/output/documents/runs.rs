//! The documents of the commands that run migrations or record where a database is:
//! `upgrade`, `downgrade`, `reset`, `stamp`, `adopt refinery`, `upgrade --sql`, `test` and
//! `scratch clean`. Must not import a command.

use schemars::JsonSchema;
use serde::Serialize;

/// `upgrade`, `downgrade`, `reset`: the steps run and where the database ends.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Run {
    /// `upgrade`, `downgrade` or `reset`.
    pub command: String,
    /// Each step run, in order.
    pub steps: Vec<Step>,
    /// The version table's rows afterwards; empty at the base.
    pub current: Vec<String>,
}

/// One step of a run.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Step {
    /// The revision applied or reverted.
    pub revision: String,
    /// Its message.
    pub message: String,
    /// Whether it was applied or reverted.
    pub direction: StepDirection,
    /// How long it took, in milliseconds rounded to hundredths.
    pub elapsed_ms: f64,
    /// How many times it waited for a lock and tried again.
    pub lock_retries: u32,
}

/// Which way a step went.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StepDirection {
    /// Applied.
    Upgrade,
    /// Reverted.
    Downgrade,
}

impl From<aurora_migrate::Direction> for StepDirection {
    fn from(direction: aurora_migrate::Direction) -> StepDirection {
        match direction {
            aurora_migrate::Direction::Upgrade => StepDirection::Upgrade,
            aurora_migrate::Direction::Downgrade => StepDirection::Downgrade,
        }
    }
}

/// `stamp`: the version table's rows as recorded, without running a migration.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Stamp {
    /// Always `stamp`.
    pub command: String,
    /// The version table's rows afterwards; empty at the base.
    pub current: Vec<String>,
}

/// `adopt refinery`: refinery's history recorded as applied.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Adopted {
    /// Always `adopt`.
    pub command: String,
    /// Always `refinery`.
    pub from: String,
    /// The revisions recorded as applied, in order.
    pub applied: Vec<String>,
}

/// `upgrade --sql`, `downgrade --sql`: the script, for a reviewer; nothing was run.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Offline {
    /// `upgrade` or `downgrade`.
    pub command: String,
    /// The database the script is for.
    pub dialect: String,
    /// The revisions the script holds, in order.
    pub revisions: Vec<String>,
    /// The script.
    pub sql: String,
}

/// `test`: each revision up, down and up again in a throwaway database.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct StairwayTest {
    /// Always `test`.
    pub command: String,
    /// The kind of database tested on (the printer's `database`, when a command named one,
    /// takes its place).
    pub database: String,
    /// Whether every revision held, there is one head, and the models match.
    pub passed: bool,
    /// Each revision, in order.
    pub revisions: Vec<Stair>,
    /// The heads.
    pub heads: Vec<String>,
    /// The differences between the models and the schema at the head; `null` when not
    /// compared.
    pub models: Option<Vec<String>>,
    /// Where the throwaway database was.
    pub scratch: String,
}

/// One revision of the stairway.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Stair {
    /// The revision's id.
    pub revision: String,
    /// Whether it went up, down and up again.
    pub ok: bool,
    /// What failed, if anything did.
    pub problem: Option<String>,
}

/// `scratch clean`: the throwaway databases found, and what became of each.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ScratchClean {
    /// Always `scratch clean`.
    pub command: String,
    /// Each throwaway database found.
    pub databases: Vec<ScratchDatabase>,
}

/// A throwaway database found.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ScratchDatabase {
    /// Its name.
    pub name: String,
    /// The server or directory that holds it.
    pub place: String,
    /// What became of it.
    pub fate: ScratchFate,
    /// Why.
    pub reason: String,
}

/// What became of a throwaway database.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ScratchFate {
    /// Dropped.
    Dropped,
    /// Would be dropped with `--yes`.
    WouldDrop,
    /// Kept.
    Kept,
}
