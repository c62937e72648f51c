//! What the lease lock refuses or loses, and who holds it. Must not import the runner or the
//! drivers.

use std::time::Duration;

use aurora_migrate_core::hint::{Hint, Setting};

/// The lease lock's own failures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LeaseError {
    /// `--lock lease` on SQLite.
    #[error(
        "the lease lock is for PostgreSQL and MySQL servers; SQLite is locked through its database file, \
         which the operating system releases when a runner dies"
    )]
    Sqlite,
    /// A lease length outside what a runner may take.
    #[error(
        "a lease of {} is outside {} to {}: a shorter one expires between its renewals, and a longer one \
         keeps a dead runner's successor waiting that long; give a length in that range",
        humantime::format_duration(*.length),
        humantime::format_duration(*.shortest),
        humantime::format_duration(*.longest)
    )]
    Length {
        /// The length asked for.
        length: Duration,
        /// The shortest allowed.
        shortest: Duration,
        /// The longest allowed.
        longest: Duration,
    },
    /// The heartbeat found the lease taken over, or could not renew it for a whole lease.
    #[error(
        "the migration lease on {table} was lost (fencing token {token}): another runner may have taken it over; \
         the run stopped before its next migration, and each migration applied before it is kept with its \
         bookkeeping"
    )]
    Lost {
        /// The version table the lease guards.
        table: String,
        /// The fencing token that was ours.
        token: i64,
    },
    /// The heartbeat task itself failed.
    #[error("the lease's heartbeat stopped: {0}")]
    Heartbeat(String),
    /// A lease that is live, and whose holder is not known to be dead, is not broken unless
    /// the caller forces it.
    #[error(
        "the migration lease on {table} is held by {holder}, which has not expired and is not known to be dead \
         (only a runner on this host can be seen to be gone); it was not broken: break it only if you know that \
         runner has stopped, since a runner still working would go on beside the next one"
    )]
    Live {
        /// The version table the lease guards.
        table: String,
        /// Who holds it.
        holder: Box<LeaseHolder>,
    },
    /// The lease changed hands (or was released) between reading it and breaking it.
    #[error(
        "the migration lease on {table} changed hands while it was being broken, so nothing was broken; \
         look at who holds it now and try again"
    )]
    Moved {
        /// The version table the lease guards.
        table: String,
    },
}

/// Who holds a lease, as the lease row says, with whether it is live and whether its holder
/// is known to be dead.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LeaseHolder {
    /// The holder's random id for its run.
    pub holder: String,
    /// The host it ran on.
    pub host: String,
    /// Its process id.
    pub pid: Option<i64>,
    /// When it took the lease, as the database prints a time.
    pub acquired: String,
    /// When it last renewed it.
    pub renewed: String,
    /// When the lease expires unless renewed.
    pub expires: String,
    /// The fencing token of its acquisition.
    pub token: i64,
    /// The lease has not expired (and could not be taken over now).
    pub live: bool,
    /// It ran on this host, and no such process exists here any more.
    pub dead: bool,
}

impl LeaseError {
    /// What to do about it, when there is something to do.
    pub fn hint(&self) -> Option<Hint> {
        let hint = match self {
            LeaseError::Sqlite => Hint::text("leave out ")
                .then_setting(Setting::LockLease)
                .then_text(" for SQLite"),
            LeaseError::Live { .. } => Hint::text("pass ")
                .then_setting(Setting::Force)
                .then_text(" to break it anyway"),
            LeaseError::Lost { .. } => {
                Hint::text("run the command again to continue, with a longer ")
                    .then_setting(Setting::Lease)
                    .then_text(" if the database was slow to answer")
            }
            _ => return None,
        };
        Some(hint)
    }
}

impl std::fmt::Display for LeaseHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pid = self.pid.map_or_else(|| "?".to_string(), |p| p.to_string());
        let dead = match self.dead {
            true => ", which is dead: no such process runs on this host",
            false => "",
        };
        write!(
            f,
            "runner {} (host {}, process {pid}{dead}, since {}, renewed {}, expiring {}, fencing token {})",
            self.holder, self.host, self.acquired, self.renewed, self.expires, self.token
        )
    }
}
