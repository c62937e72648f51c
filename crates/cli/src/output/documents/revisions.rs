//! The documents of the commands that read the revision graph and where a database stands in
//! it: `current`, `history`, `heads`, `show`, `branches`, `graph`, `version`. Must not import
//! a command.

use aurora_migrate::Catalog;
use aurora_migrate::runner::Beyond;
use schemars::JsonSchema;
use serde::Serialize;

/// A revision of the build.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Revision {
    /// The revision's id.
    pub revision: String,
    /// Its message.
    pub message: String,
    /// The revisions it follows (two or more for a merge); empty at the base.
    pub parents: Vec<String>,
    /// Revisions it needs applied first, without following them.
    pub depends_on: Vec<String>,
    /// The branch labels it carries.
    pub branch_labels: Vec<String>,
    /// Whether no revision follows it.
    pub is_head: bool,
    /// Its file, under `migrations/`.
    pub file: String,
    /// Whether it runs in a transaction.
    pub transactional: bool,
    /// When it was created, as its file says, if it says.
    pub create_date: Option<String>,
    /// The revisions a squash replaces; empty for any other revision.
    pub replaces: Vec<String>,
}

impl Revision {
    /// The revision at `index` of `catalog`.
    pub(crate) fn of(catalog: &Catalog, index: usize) -> Revision {
        let migration = catalog.migration(index);
        let texts = |list: &[std::borrow::Cow<'static, str>]| -> Vec<String> {
            list.iter().map(|text| text.to_string()).collect()
        };
        Revision {
            revision: migration.id.to_string(),
            message: migration.message.to_string(),
            parents: texts(&migration.parents),
            depends_on: texts(&migration.depends_on),
            branch_labels: texts(&migration.branch_labels),
            is_head: catalog.graph().children(index).is_empty(),
            file: format!("migrations/{}", migration.file_name),
            transactional: migration.transactional,
            create_date: migration.create_date.as_ref().map(|date| date.to_string()),
            replaces: texts(&migration.replaces),
        }
    }
}

/// A revision the database holds that the build does not.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct BeyondRevision {
    /// The revision's id.
    pub revision: String,
    /// Always `false`: the build does not carry it.
    pub in_build: bool,
    /// Whether the log recorded it when it was applied.
    pub recorded: bool,
    /// Its message, as recorded.
    pub message: Option<String>,
    /// Its parents, as recorded.
    pub parents: Option<Vec<String>>,
    /// Its compatibility (`expand`, ...), as recorded.
    pub compatibility: Option<String>,
    /// Whether the log stored its downgrade, so that it can be reverted without the build.
    pub stored_downgrade: bool,
}

impl BeyondRevision {
    /// The document of one revision beyond the build.
    pub(crate) fn of(beyond: &Beyond) -> BeyondRevision {
        let record = beyond.record.as_ref();
        BeyondRevision {
            revision: beyond.id.clone(),
            in_build: false,
            recorded: record.is_some(),
            message: record.map(|r| r.message.clone()),
            parents: record.map(|r| r.parents.clone()),
            compatibility: record.map(|r| r.compatibility.name().to_string()),
            stored_downgrade: record.is_some_and(|r| r.downgrade.is_some()),
        }
    }
}

/// `current`: the revisions the database is at.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Current {
    /// The revisions of the build the version table holds.
    pub current: Vec<Revision>,
    /// Ids in the version table that the build does not carry.
    pub unknown: Vec<String>,
    /// What the log recorded of the unknown ones.
    pub beyond: Vec<BeyondRevision>,
    /// Revisions a failed step left marked dirty.
    pub dirty: Vec<DirtyRevision>,
    /// Migrations that stopped part-way, as the step journal records them.
    pub unfinished: Vec<super::UnfinishedStep>,
}

/// A revision a failed step left marked dirty.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct DirtyRevision {
    /// The revision's id.
    pub revision: String,
    /// The direction of the step that failed.
    pub direction: String,
}

/// `history`: the revisions, newest first.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct History {
    /// Revisions beyond the build first (without a range), then the build's.
    pub revisions: Vec<HistoryEntry>,
    /// Squashes that stand beside the chain they replace.
    pub squashes: Vec<Revision>,
}

/// A revision of the history: beyond the build, or of the build.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum HistoryEntry {
    /// A revision the database holds that the build does not.
    Beyond(BeyondRevision),
    /// A revision of the build, and whether the database has it.
    Build(HistoryRevision),
}

/// A revision of the build in the history.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct HistoryRevision {
    /// The revision.
    #[serde(flatten)]
    pub revision: Revision,
    /// Whether the database has it applied.
    pub applied: bool,
    /// Whether the version table holds it.
    pub current: bool,
}

/// `heads` and `show`: revisions of the build.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(transparent)]
pub(crate) struct Revisions(pub Vec<Revision>);

/// `branches`: the revisions where the graph forks.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(transparent)]
pub(crate) struct Branches(pub Vec<BranchPoint>);

/// A revision more than one revision follows.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct BranchPoint {
    /// The revision.
    #[serde(flatten)]
    pub revision: Revision,
    /// The revisions that follow it.
    pub children: Vec<String>,
}

/// `graph`: the picture of the graph and its revisions.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Graph {
    /// The picture, a line at a time.
    pub lines: Vec<GraphLine>,
    /// The revisions, newest first.
    pub revisions: Vec<GraphRevision>,
}

/// A line of the graph's picture.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct GraphLine {
    /// The lanes drawn on the line.
    pub lanes: String,
    /// The revision the line shows, if it shows one.
    pub revision: Option<String>,
}

/// A revision of the graph.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct GraphRevision {
    /// The revision's id.
    pub revision: String,
    /// Its message.
    pub message: String,
    /// The revisions it follows.
    pub parents: Vec<String>,
    /// Revisions it needs applied first.
    pub depends_on: Vec<String>,
    /// The branch labels it carries.
    pub branch_labels: Vec<String>,
    /// Where the database has it, when a database was read.
    pub state: Option<RevisionState>,
}

/// Where a database has a revision.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RevisionState {
    /// The version table holds it.
    Current,
    /// Applied, below the current revisions.
    Applied,
    /// Not applied.
    Pending,
}

/// `version`: the program and the migrations it embeds.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Version {
    /// The program's name.
    pub name: String,
    /// The command line's version.
    pub version: String,
    /// How many migrations the program embeds.
    pub migrations: usize,
    /// The heads of the embedded graph.
    pub heads: Vec<String>,
}
