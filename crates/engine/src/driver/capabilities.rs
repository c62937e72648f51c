//! What each database can do that the runner and the scratch databases plan around, said
//! once, here, so that they ask instead of naming databases. Pure data: must not import the
//! runner.

use aurora_migrate_core::Database;

/// What a database offers a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Capabilities {
    /// DDL runs inside a transaction and rolls back with it (PostgreSQL, SQLite); MySQL
    /// commits each DDL statement as it runs.
    pub(crate) transactional_ddl: bool,
    /// Older builds marked a MySQL migration that stopped part-way dirty, in a table of its
    /// own: such a mark is still read, refused, and cleared by a stamp or a forced run.
    pub(crate) dirty_marks: bool,
    /// Several transactions can travel in one message, each still its own (PostgreSQL).
    pub(crate) pipelining: bool,
    /// A commit can skip waiting for the disk, the run's last one then flushing them all
    /// (PostgreSQL's `synchronous_commit`).
    pub(crate) deferred_flush: bool,
    /// Runners can hold a lease in a table of ours; SQLite is locked through its database
    /// file instead.
    pub(crate) leases: bool,
    /// A server holds other databases beside this one, so a throwaway database is made on it;
    /// SQLite's database is a file, and a throwaway one a temporary file.
    pub(crate) sibling_databases: bool,
}

impl Capabilities {
    /// What `kind` offers.
    pub(crate) fn of(kind: Database) -> Capabilities {
        match kind {
            Database::Postgres => Capabilities {
                transactional_ddl: true,
                dirty_marks: false,
                pipelining: true,
                deferred_flush: true,
                leases: true,
                sibling_databases: true,
            },
            Database::Sqlite => Capabilities {
                transactional_ddl: true,
                dirty_marks: false,
                pipelining: false,
                deferred_flush: false,
                leases: false,
                sibling_databases: false,
            },
            Database::Mysql => Capabilities {
                transactional_ddl: false,
                dirty_marks: true,
                pipelining: false,
                deferred_flush: false,
                leases: true,
                sibling_databases: true,
            },
        }
    }
}
