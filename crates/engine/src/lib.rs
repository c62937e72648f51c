//! Aurora Migrate: database migrations that travel inside one binary.
//!
//! A service's `build.rs` embeds its `migrations/` with `aurora-migrate-build`; the service
//! includes them with [`include_migrations!`] and migrates at start, through its own sqlx pool
//! or a URL, under the same lock and with the same bookkeeping as the command line:
//!
//! ```no_run
//! # mod embedded { pub static MIGRATIONS: &[aurora_migrate::Embedded] = &[]; }
//! # use embedded::MIGRATIONS;
//! # async fn start(pool: impl Into<aurora_migrate::Pool>) -> Result<(), aurora_migrate::Error> {
//! use aurora_migrate::{Catalog, Target};
//! let catalog = Catalog::from_embedded(MIGRATIONS)?;
//! let report = catalog.upgrade(pool, &Target::Head).await?; // a PgPool, SqlitePool or MySqlPool
//! println!("{} migration(s) applied", report.steps.len());
//! # Ok(()) }
//! ```
//!
//! The revision model is Alembic's ([`migrations::revision`]); the [`runner`] applies a plan through
//! one driver per database, one transaction per migration where the database allows it.
//! An [`Error`] says what is wrong and names no program, command or flag; what to do about it
//! is [`Error::hint`], commands and settings by meaning, which a command line writes with its
//! own name and flags. No clap, no dotenvy, no terminal code: the command line is a crate
//! above this one.

#![deny(missing_docs, unnameable_types, unreachable_pub)]

pub use aurora_migrate_core as migrations;

#[cfg(feature = "authoring")]
pub mod authoring;
#[cfg(feature = "autogenerate")]
pub mod autogenerate;
pub mod backfill;
mod bookkeeping;
pub mod catalog;
#[cfg(feature = "ddl")]
pub mod ddl;
pub mod disk;
mod driver;
#[cfg(feature = "autogenerate")]
pub mod dump;
pub mod error;
#[cfg(feature = "fleet")]
pub mod fleet;
pub mod interrupt;
#[cfg(feature = "lint")]
pub mod lint;
#[cfg(feature = "offline")]
pub mod offline;
pub mod runner;
#[cfg(feature = "autogenerate")]
pub mod schema;
mod sql;
#[cfg(feature = "autogenerate")]
pub mod stairway;
pub mod url;

/// The bookkeeping tables' names (the version table, Alembic's, and the log and lease beside
/// it), and what they hold once read. How they are written is the engine's own business.
pub mod version_table {
    pub use crate::bookkeeping::{
        DirtyMark, Inconsistency, JournalEntry, LogEntry, NameError, StepState, Stored,
        StoredRecord, Tables, statement_hash,
    };
}

/// Throwaway databases left behind by a run that was killed: found by their names on servers
/// and in the temporary directory, and dropped when their maker is gone.
pub mod scratch {
    pub use crate::driver::scratch::orphans::{Fate, Found, Reason, Sweep, sweep};
}

/// Not part of the API: what the project's own integration tests and benchmarks need to reach,
/// which may change in any release.
#[doc(hidden)]
pub mod testing {
    pub use crate::bookkeeping::committed_guard;
    /// A throwaway database, for the benchmarks.
    #[cfg(feature = "autogenerate")]
    pub use crate::driver::scratch::Scratch;
}

pub use catalog::{Catalog, Embedded, RustBody};
pub use error::{Error, Result};
pub use migrations::revision::Target;
pub use migrations::{Database, Direction};
pub use runner::{Event, Options, Pool, Run, Runner, StepReport, Transaction};
pub use url::DatabaseUrl;

/// Includes the catalogue `aurora_migrate_build::embed` wrote into `OUT_DIR`: a `static
/// MIGRATIONS: &[Embedded]` and a `const MIGRATIONS_DIR_OVERRIDDEN: bool`.
#[macro_export]
macro_rules! include_migrations {
    () => {
        include!(concat!(env!("OUT_DIR"), "/aurora_migrations.rs"));
    };
}
