//! The bookkeeping: the version table (`alembic_version`, one row per current head, as
//! Alembic keeps it), the log of applied revisions with checksums, and on MySQL the dirty
//! mark; their names, DDL and statements, and what they hold once read. Text and data only:
//! must not import the drivers or the runner.

mod jobs;
mod journal;
mod lease;
mod record;
mod statements;
mod stored;

pub(crate) use jobs::{JOB_COLUMNS, JOB_TEXT_COLUMNS, JobRow, JobSql, job_row_of, owner_is_dead};
pub use jobs::{Job, JobState};
pub(crate) use journal::{JOURNAL_COLUMNS, StepKey, journal_entry, who};
pub use journal::{JournalEntry, StepState, statement_hash};
pub(crate) use lease::Claimant;
pub use lease::{LONGEST_LEASE, SHORTEST_LEASE};
pub(crate) use record::{RECORD_COLUMNS, Record, downgrade_checksum, split_stored};
pub use statements::committed_guard;
pub(crate) use statements::{Elapsed, record_statements, stamp_statements, step_statements};
pub use stored::{DirtyMark, Inconsistency, LogEntry, Stored, StoredRecord};

use crate::sql::{quote, quote_path};
use aurora_migrate_core::Database;

/// A version table name a database cannot hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// Not letters, digits and underscores, optionally `schema.table`.
    #[error(
        "invalid version table name `{0}`: use letters, digits and underscores, optionally `schema.table`"
    )]
    Invalid(String),
    /// A schema-qualified name on SQLite.
    #[error(
        "invalid version table name `{name}`: SQLite has no schemas; use a plain table name (or main.TABLE)"
    )]
    SchemaOnSqlite {
        /// The name given.
        name: String,
    },
    /// A schema-qualified name for a tenant that has a schema of its own.
    #[error(
        "the version table `{name}` names a schema, but this database is a tenant in schema `{schema}`, which \
         keeps its own bookkeeping: give a plain table name"
    )]
    TenantSchema {
        /// The name given.
        name: String,
        /// The tenant's schema.
        schema: String,
    },
    /// A name whose bookkeeping tables would pass the identifier limit.
    #[error(
        "the version table name `{name}` is too long: its table `{derived}` would have {length} characters, over the database's limit of {limit}; use a name of at most {longest_allowed} characters"
    )]
    TooLong {
        /// The name given.
        name: String,
        /// The longest derived table name.
        derived: String,
        /// Its length.
        length: usize,
        /// The database's limit.
        limit: usize,
        /// The longest name that fits.
        longest_allowed: usize,
    },
}

/// The bookkeeping tables of one version table.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Tables {
    /// The version table, as given (`alembic_version`, or `schema.table`).
    pub version: String,
    /// The log of applied revisions: `<version>_aurora_log`.
    pub log: String,
    /// Migrations in progress, on MySQL: `<version>_aurora_dirty`.
    pub dirty: String,
    /// The lease lock, where runners take it (`--lock lease`): `<version>_aurora_lease`.
    pub lease: String,
    /// The step journal of migrations that cannot run in one transaction:
    /// `<version>_aurora_steps`.
    pub steps: String,
    /// Who repaired the step journal by hand, when and why: `<version>_aurora_audit`.
    pub audit: String,
    /// Backfill jobs: where each one's batches have reached, `<version>_aurora_jobs`.
    pub jobs: String,
    /// The schema is a tenant's own, made with its bookkeeping when missing (a schema named
    /// only by `--version-table` must exist: a typo there makes no schema).
    pub own_schema: bool,
}

impl Tables {
    /// `name` is a table name or `schema.table`, of letters, digits and underscores.
    pub fn new(name: &str) -> Result<Tables, NameError> {
        let valid_part = |p: &str| {
            !p.is_empty()
                && !p.starts_with(|c: char| c.is_ascii_digit())
                && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        };
        let parts: Vec<&str> = name.split('.').collect();
        if parts.len() > 2 || !parts.iter().all(|p| valid_part(p)) {
            return Err(NameError::Invalid(name.to_string()));
        }
        Ok(Tables {
            version: name.to_string(),
            log: format!("{name}_aurora_log"),
            dirty: format!("{name}_aurora_dirty"),
            lease: format!("{name}_aurora_lease"),
            steps: format!("{name}_aurora_steps"),
            audit: format!("{name}_aurora_audit"),
            jobs: format!("{name}_aurora_jobs"),
            own_schema: false,
        })
    }

    /// Refuses names `kind` cannot hold: a schema SQLite does not have, or a derived table
    /// name over the database's identifier limit (which PostgreSQL would silently truncate
    /// into a collision with the version table itself). Every name is held to the longest
    /// suffix, `_aurora_steps`, since any migration may need the step journal.
    pub(crate) fn check_for(&self, kind: Database) -> Result<(), NameError> {
        let (schema, table) = match self.version.split_once('.') {
            Some((schema, table)) => (Some(schema), table),
            None => (None, self.version.as_str()),
        };
        if kind == Database::Sqlite && schema.is_some_and(|s| !s.eq_ignore_ascii_case("main")) {
            return Err(NameError::SchemaOnSqlite {
                name: self.version.clone(),
            });
        }
        let limit = match kind {
            Database::Postgres => 63,
            Database::Mysql => 64,
            Database::Sqlite => return Ok(()),
        };
        // The lease, dirty, steps and audit tables' suffixes are the longest, and equally long.
        let longest = format!("{table}_aurora_steps");
        if longest.len() > limit || schema.is_some_and(|s| s.len() > limit) {
            return Err(NameError::TooLong {
                name: self.version.clone(),
                derived: longest.clone(),
                length: longest.len(),
                limit,
                longest_allowed: limit - (longest.len() - table.len()),
            });
        }
        Ok(())
    }

    /// The version table's name without its schema.
    pub(crate) fn bare_version(&self) -> &str {
        bare(&self.version)
    }

    /// The step journal's name without its schema.
    #[cfg(any(feature = "mysql", feature = "sqlite"))]
    pub(crate) fn bare_steps(&self) -> &str {
        bare(&self.steps)
    }

    /// The log table's name without its schema.
    #[cfg(any(feature = "mysql", feature = "sqlite"))]
    pub(crate) fn bare_log(&self) -> &str {
        bare(&self.log)
    }

    /// The dirty-mark table's name without its schema.
    #[cfg(feature = "mysql")]
    pub(crate) fn bare_dirty(&self) -> &str {
        bare(&self.dirty)
    }

    /// A tenant's own schema, made before its bookkeeping and its migrations.
    pub(crate) fn create_own_schema(&self, kind: Database) -> Option<String> {
        match (kind, self.schema()) {
            (Database::Postgres, Some(schema)) if self.own_schema => {
                Some(format!("CREATE SCHEMA IF NOT EXISTS {}", quote(schema)))
            }
            _ => None,
        }
    }

    /// The bookkeeping tables' names without their schema: what a schema read leaves out.
    pub(crate) fn bare_names(&self) -> [&str; 7] {
        [
            bare(&self.jobs),
            bare(&self.version),
            bare(&self.log),
            bare(&self.dirty),
            bare(&self.lease),
            bare(&self.steps),
            bare(&self.audit),
        ]
    }

    /// The schema the tables live in, when one is named.
    pub fn schema(&self) -> Option<&str> {
        self.version.split_once('.').map(|(schema, _)| schema)
    }

    /// A stable 63-bit key for the advisory lock that serialises runners of this version
    /// table, the same across builds and platforms.
    pub fn lock_key(&self) -> i64 {
        let digest = aurora_migrate_core::checksum::sha256(
            format!("aurora-migrate:{}", self.version).as_bytes(),
        );
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&digest[..8]);
        (u64::from_be_bytes(bytes) >> 1) as i64
    }

    /// The version table's name, quoted for SQL.
    pub(crate) fn version_sql(&self) -> String {
        quote_path(&self.version)
    }

    /// The log's name, quoted for SQL.
    pub(crate) fn log_sql(&self) -> String {
        quote_path(&self.log)
    }

    /// The dirty mark's name, quoted for SQL.
    pub(crate) fn dirty_sql(&self) -> String {
        quote_path(&self.dirty)
    }

    /// The statements that create the tables `kind` keeps, if they do not exist.
    pub(crate) fn create(&self, kind: Database) -> Vec<String> {
        let timestamp = match kind {
            Database::Postgres => "TIMESTAMPTZ",
            Database::Sqlite | Database::Mysql => "TIMESTAMP",
        };
        // On SQLite a table keyed by text is one B-tree instead of a table and its index: each
        // migration's commit writes fewer pages.
        let options = match kind {
            Database::Sqlite => " WITHOUT ROWID",
            Database::Postgres | Database::Mysql => "",
        };
        let mut statements = Vec::new();
        statements.extend(self.create_own_schema(kind));
        statements.extend([
            format!(
                "CREATE TABLE IF NOT EXISTS {} (version_num VARCHAR(32) NOT NULL, CONSTRAINT {} PRIMARY KEY (version_num)){options}",
                self.version_sql(),
                quote(&format!("{}_pkc", self.bare_version()))
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {} (revision VARCHAR(32) NOT NULL PRIMARY KEY, checksum VARCHAR(64) NOT NULL, \
                 applied_at {timestamp} NOT NULL DEFAULT CURRENT_TIMESTAMP, execution_ms BIGINT{}){options}",
                self.log_sql(),
                record::column_definitions(kind)
            ),
        ]);
        if kind == Database::Mysql {
            statements.push(format!(
                "CREATE TABLE IF NOT EXISTS {} (revision VARCHAR(32) NOT NULL PRIMARY KEY, direction VARCHAR(9) NOT NULL, \
                 failed_statement TEXT, message TEXT, started_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
                self.dirty_sql()
            ));
        }
        if kind == Database::Postgres {
            statements.push(self.owner_only());
        }
        statements
    }

    /// The step journal's table (and, for a repair, the audit's) if they do not exist, with (on
    /// PostgreSQL) writes kept to their owner: a row marked done by someone else would skip a
    /// statement.
    pub(crate) fn journal_ddl(&self, kind: Database, audit: bool) -> Vec<String> {
        let mut statements = vec![self.create_journal(kind)];
        if audit {
            statements.push(self.create_audit(kind));
        }
        if kind == Database::Postgres {
            statements.push(self.owner_only());
        }
        statements
    }

    /// PostgreSQL: the tables' owner alone may write them. A default privilege (`ALTER
    /// DEFAULT PRIVILEGES ... GRANT INSERT`) or a grant to PUBLIC would let another role
    /// rewrite the log, whose stored downgrades a later run reads; every such write privilege
    /// is revoked, where this session's role owns the table (otherwise it cannot, and leaves
    /// it to the owner).
    pub(crate) fn owner_only(&self) -> String {
        let tables: Vec<String> = [
            &self.version,
            &self.log,
            &self.lease,
            &self.steps,
            &self.audit,
            &self.jobs,
        ]
        .iter()
        .map(|name| format!("to_regclass({})", crate::sql::literal(&quote_path(name))))
        .collect();
        format!(
            "DO $aurora_owner_only$ DECLARE t regclass; g oid; BEGIN \
             FOREACH t IN ARRAY ARRAY[{}] LOOP \
             CONTINUE WHEN t IS NULL OR NOT pg_has_role((SELECT relowner FROM pg_class WHERE oid = t), 'USAGE'); \
             FOR g IN SELECT DISTINCT a.grantee FROM pg_class c, aclexplode(c.relacl) a \
             WHERE c.oid = t AND a.grantee <> c.relowner \
             AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER', 'REFERENCES') LOOP \
             EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON %s FROM %s', t, \
             CASE g WHEN 0 THEN 'PUBLIC' ELSE g::regrole::text END); \
             END LOOP; END LOOP; END $aurora_owner_only$",
            tables.join(", ")
        )
    }
}

/// How a database compares table names: SQLite folds ASCII case; PostgreSQL compares the
/// quoted names we use exactly; MySQL as its `lower_case_table_names` says (0: exactly,
/// otherwise folded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameCase {
    /// `Alembic_Version` and `alembic_version` are two tables.
    Exact,
    /// They are one.
    Folded,
}

impl NameCase {
    /// Whether the database takes `a` and `b` for the same table.
    pub(crate) fn same(self, a: &str, b: &str) -> bool {
        match self {
            NameCase::Exact => a == b,
            NameCase::Folded => a.eq_ignore_ascii_case(b),
        }
    }
}

/// Our tables' names, compared as one database compares names: what a listing of its tables
/// leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ours {
    names: Vec<String>,
    case: NameCase,
}

impl Ours {
    /// Whether `name`, as the database lists it, is one of ours.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.names.iter().any(|ours| self.case.same(ours, name))
    }
}

impl Tables {
    /// Our tables' names under the database's rule for comparing them.
    pub(crate) fn ours(&self, case: NameCase) -> Ours {
        Ours {
            names: self.bare_names().iter().map(|n| n.to_string()).collect(),
            case,
        }
    }
}

fn bare(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

#[cfg(test)]
mod tests;
