//! The documents of the commands that write or read migration files, schema dumps and models:
//! `dump`, `dump --check`, `squash`, `baseline`, `create`, `check --scratch-url` and `lint`.
//! Must not import a command.

use schemars::JsonSchema;
use serde::Serialize;

use super::runs::StepDirection;

/// `dump`: the schema the database holds, as SQL.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Dump {
    /// Always `dump`.
    pub command: String,
    /// The file written; `null` when the dump went to stdout.
    pub file: Option<String>,
    /// The revisions the database is at.
    pub revisions: Vec<String>,
    /// How many tables the dump holds.
    pub tables: usize,
    /// Each object the dump leaves out, and why.
    pub left_out: Vec<LeftOut>,
    /// The dump.
    pub sql: String,
}

/// `dump --check`: whether a file is what `dump` writes now.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct DumpCheck {
    /// Always `dump`.
    pub command: String,
    /// The file compared.
    pub file: String,
    /// Whether the file is what `dump` writes now.
    pub fresh: bool,
    /// A unified diff from the file to the dump; empty when fresh.
    pub diff: String,
    /// Each object the dump leaves out, and why.
    pub left_out: Vec<LeftOut>,
}

/// An object a dump or a baseline leaves out.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct LeftOut {
    /// Its kind (`view`, `trigger`, ...).
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Why it is left out.
    pub why: String,
}

impl LeftOut {
    /// The documents of the objects the engine left out.
    pub(crate) fn list(left_out: &[aurora_migrate::schema::model::LeftOut]) -> Vec<LeftOut> {
        left_out
            .iter()
            .map(|object| LeftOut {
                kind: object.kind.clone(),
                name: object.name.clone(),
                why: object.why.clone(),
            })
            .collect()
    }
}

/// `squash`: one migration written in place of a chain.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Squash {
    /// Always `squash`.
    pub command: String,
    /// The file written.
    pub file: String,
    /// The revisions it replaces, in order.
    pub replaces: Vec<String>,
    /// Replaced revisions whose SQL changes rows, which a schema does not carry.
    pub data_changes: Vec<String>,
    /// The databases it has sections for.
    pub dialects: Vec<String>,
}

/// `baseline`: a first migration written from the schema a database holds.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Baseline {
    /// Always `baseline`.
    pub command: String,
    /// The file written.
    pub file: String,
    /// The new revision's id.
    pub revision: String,
    /// How many tables it creates.
    pub tables: usize,
    /// Each object it leaves out, and why.
    pub left_out: Vec<LeftOut>,
}

/// `create`, `merge`, `create --autogenerate`: the file written, or, when autogenerate found
/// no change, that none was.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum Created {
    /// A migration file was written.
    Written(Written),
    /// Autogenerate found no change: nothing was written.
    Unchanged(NoChanges),
}

/// A migration file written.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Written {
    /// The file's path.
    pub path: String,
}

/// Autogenerate found no change between the models and the database.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct NoChanges {
    /// Always empty.
    pub changes: Vec<String>,
    /// Always `null`: no file was written.
    pub path: Option<String>,
    /// What the database holds that models cannot declare, so was not compared.
    pub not_compared: Vec<String>,
}

/// `check --scratch-url`: whether the models describe what the migrations build.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ModelsCheck {
    /// Whether the models match.
    pub ok: bool,
    /// Each difference, as a person reads it.
    pub problems: Vec<String>,
    /// What the database holds that models cannot declare, so was not compared.
    pub not_compared: Vec<String>,
}

/// `lint`: what the rules found in the migrations.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Lint {
    /// Always `lint`.
    pub command: String,
    /// Where the migrations linted came from.
    pub source: LintSource,
    /// The databases linted for.
    pub databases: Vec<String>,
    /// How many migrations were linted.
    pub migrations: usize,
    /// How many statements were linted.
    pub statements: usize,
    /// How many findings are errors.
    pub errors: usize,
    /// How many findings are warnings.
    pub warnings: usize,
    /// How many findings are notes.
    pub infos: usize,
    /// How many findings a migration allowed.
    pub suppressed: usize,
    /// Revisions whose statements could not be built, so were not linted.
    pub not_built: Vec<String>,
    /// Each finding.
    pub findings: Vec<LintFinding>,
}

/// Where the migrations linted came from.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(tag = "from", rename_all = "snake_case")]
pub(crate) enum LintSource {
    /// The migrations the binary embeds.
    Embedded,
    /// A migrations directory.
    Disk {
        /// The directory.
        dir: String,
        /// How its files differ from what the binary embeds.
        differs: LintDiffers,
    },
}

/// How a migrations directory differs from what the binary embeds.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct LintDiffers {
    /// Revisions on disk only.
    pub new: Vec<String>,
    /// Revisions whose file changed.
    pub changed: Vec<String>,
    /// Revisions embedded only.
    pub removed: Vec<String>,
}

/// A finding of a lint rule.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct LintFinding {
    /// The rule's stable code.
    pub code: String,
    /// The rule's name.
    pub rule: String,
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// The revision.
    pub revision: String,
    /// The direction of the statement.
    pub direction: StepDirection,
    /// The revision's file.
    pub file: String,
    /// The statement's line in the file.
    pub line: usize,
    /// The databases it was found for.
    pub databases: Vec<String>,
    /// The statement.
    pub statement: String,
    /// Why it is a problem.
    pub why: String,
    /// What to do instead.
    pub instead: String,
    /// Why the migration allows it, when it does.
    pub suppressed: Option<String>,
}
