//! Aurora Migrate: database migrations that travel inside one binary.
//!
//! A build script validates and embeds a `migrations/` directory as a slice of
//! [`migration::Embedded`]; [`Catalog::from_embedded`] turns it into a revision graph with
//! Alembic's semantics; [`runner::Runner`] applies a plan through sqlx to PostgreSQL, SQLite
//! or MySQL/MariaDB under a lock, one transaction per migration.
//!
//! ```no_run
//! # static MIGRATIONS: &[aurora_migrate::migration::Embedded] = &[];
//! # async fn start() -> Result<(), aurora_migrate::Error> {
//! use aurora_migrate::{Catalog, DatabaseUrl, Options, Runner, Target};
//! let catalog = Catalog::from_embedded(MIGRATIONS)?;
//! let url = DatabaseUrl::parse("sqlite://aurora.db")?;
//! let runner = Runner::new(&catalog, url, Options::default())?;
//! runner
//!     .upgrade(&Target::Head, &mut |event| {
//!         if let aurora_migrate::runner::Event::Finished(step) = event {
//!             println!("applied {}", step.revision);
//!         }
//!     })
//!     .await?;
//! # Ok(()) }
//! ```

pub mod cli;
pub mod ddl;
pub mod dialect;
pub mod error;
pub mod migration;
pub mod revision;
pub mod runner;
pub mod schema;
pub mod url;

pub use error::{Error, Result};
pub use migration::{Catalog, Migration};
pub use revision::Target;
pub use runner::{Event, Options, Run, Runner, StepReport, Transaction};
pub use url::DatabaseUrl;
