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
//! The revision model is Alembic's ([`core::revision`]); the [`runner`] applies a plan through
//! one driver per database, one transaction per migration where the database allows it.
//! Library errors name no program: a message that points at a command names it bare, in
//! backticks (`` `stamp REV` ``), and a command line prefixes its own name. No clap, no
//! dotenvy, no terminal code: the command line is a crate above this one.

#![warn(missing_docs)]

pub use aurora_migrate_core as core;

pub mod authoring;
#[cfg(feature = "autogenerate")]
pub mod autogenerate;
pub mod bookkeeping;
pub mod catalog;
#[cfg(feature = "ddl")]
pub mod ddl;
pub mod disk;
mod driver;
#[cfg(feature = "autogenerate")]
pub mod dump;
pub mod error;
pub mod fleet;
pub mod interrupt;
#[cfg(feature = "lint")]
pub mod lint;
pub mod offline;
pub mod runner;
#[cfg(feature = "autogenerate")]
pub mod schema;
pub mod sql;
#[cfg(feature = "autogenerate")]
pub mod stairway;
pub mod url;

pub use catalog::{Catalog, Embedded, RustBody};
pub use core::revision::Target;
pub use core::{Database, Direction};
pub use error::{Error, Result};
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
