//! The documents of the commands that read a database's bookkeeping: `status`, `check`,
//! `lease` and `lease break`. Must not import a command.

use schemars::JsonSchema;
use serde::Serialize;

/// `status`: where the database stands against the build, and whether it is ready.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub(crate) struct Status {
    /// `at_heads`, `behind`, `ahead_compatible`, `ahead_incompatible`, `diverged`, `dirty`,
    /// `changed`, `logged_not_applied` or `inconsistent`.
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
    /// What does not add up in the bookkeeping, as a person reads it.
    pub inconsistencies: Vec<String>,
    /// Revisions the log records as applied that the version table does not hold.
    pub logged_not_applied: Vec<String>,
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
