//! The JSON documents the command line prints with `--format json`, as typed structs: one per
//! kind of document, each field documented, each with a JSON Schema (see [`schema`]). The
//! structs are the contract: the text a command prints is what serde makes of them. The
//! constructors here read the engine's data; must not import a command or the printer.

mod backfill;
mod database;
mod files;
mod fleet;
mod import;
mod revisions;
mod runs;
pub(crate) mod schema;
#[cfg(test)]
mod tests;

pub(crate) use backfill::{BackfillJob, Backfills};
pub(crate) use database::{
    BeyondStatus, Check, LeaseBroken, LeaseHolder, LeaseShown, Repaired, RepairedStep, Status,
    UnfinishedStep,
};
pub(crate) use files::{
    Baseline, Created, Dump, DumpCheck, LeftOut, Lint, LintDiffers, LintFinding, LintSource,
    ModelsCheck, NoChanges, Squash, Written,
};
pub(crate) use fleet::{Fleet, FleetBackfill, FleetOutcome, FleetSummary, FleetTarget};
pub(crate) use import::{
    AlembicUsed, Import, ImportScript, ImportSection, ImportSkipped, ImportSummary, ImportTodo,
};
pub(crate) use revisions::{
    BeyondRevision, BranchPoint, Branches, Current, DirtyRevision, Graph, GraphLine, GraphRevision,
    History, HistoryEntry, HistoryRevision, Revision, RevisionState, Revisions, Version,
};
pub(crate) use runs::{
    Adopted, Offline, Run, ScratchClean, ScratchDatabase, ScratchFate, Stair, StairwayTest, Stamp,
    Step,
};

use schemars::JsonSchema;
use serde::Serialize;

/// A document the printer may print: serializable, with a schema and the name of its schema
/// file.
pub(crate) trait Document: Serialize + JsonSchema {
    /// The name of the document's schema file, without `.json`.
    const NAME: &'static str;
}

/// The database a command used, which the printer adds to an object document as `database`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct DatabaseUsed {
    /// The database's URL, its password masked.
    pub url: String,
    /// Where the URL came from (a flag, an environment variable, a configuration file).
    pub source: String,
}

/// A failure, printed on stdout with `--format json` (and on stderr as a line).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Error {
    /// What failed.
    pub error: ErrorBody,
}

/// What an error document says.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct ErrorBody {
    /// A stable code for the kind of failure (`usage`, `not_at_heads`, `check_failed`, ...).
    pub code: String,
    /// The message a person reads, its passwords masked.
    pub message: String,
    /// The exit code of the process: 1 for a failure, 2 for a usage error, 128 + a signal.
    pub exit_code: u8,
}

impl Document for Error {
    const NAME: &'static str = "error";
}

/// Implements [`Document`] for each type, with its schema file's name.
macro_rules! documents {
    ($($kind:ty => $name:literal,)*) => {
        $(impl Document for $kind {
            const NAME: &'static str = $name;
        })*
        /// Every kind of document the printer prints through [`Document`], with its schema.
        pub fn schemas() -> Vec<(&'static str, serde_json::Value)> {
            vec![
                (Error::NAME, schema::of::<Error>(false)),
                $(($name, schema::of::<$kind>(true)),)*
            ]
        }
    };
}

documents! {
    Current => "current",
    History => "history",
    Revisions => "revisions",
    Branches => "branches",
    Graph => "graph",
    Version => "version",
    Run => "run",
    Stamp => "stamp",
    Adopted => "adopt",
    Status => "status",
    Check => "check",
    ModelsCheck => "check-models",
    LeaseShown => "lease",
    LeaseBroken => "lease-break",
    Offline => "sql",
    StairwayTest => "test",
    ScratchClean => "scratch-clean",
    Dump => "dump",
    DumpCheck => "dump-check",
    Squash => "squash",
    Baseline => "baseline",
    Created => "create",
    Lint => "lint",
    Import => "import",
    Fleet => "fleet",
    Repaired => "repair",
    Backfills => "backfill",
}
