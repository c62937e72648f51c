//! The catalogue a program runs: its migrations as data (parsed once, by the build or from
//! disk) with their revision graph, and the functions of its Rust migrations; the statements
//! of one step on one database. Knows nothing of connections: must not import the runner or
//! the drivers.

use std::borrow::Cow;

use aurora_migrate_core::Database;
use aurora_migrate_core::Direction;
use aurora_migrate_core::revision::Graph;
use aurora_migrate_core::source::FileKind;
use aurora_migrate_core::{self as core, Migration, Statement};

/// One migration a build script embedded: its data, and for a Rust migration its functions.
///
/// `aurora_migrate_build::embed` writes a `static` slice of these; [`include_migrations!`]
/// brings it into the program as `MIGRATIONS`.
///
/// [`include_migrations!`]: crate::include_migrations
#[derive(Debug, Clone)]
pub struct Embedded {
    /// The header's facts, the statements of each section, the checksum.
    pub migration: Migration,
    /// The functions of a Rust migration; `None` for SQL.
    pub rust: Option<RustBody>,
}

/// The functions of a Rust migration.
#[derive(Debug, Clone, Copy)]
pub enum RustBody {
    /// Ours: two functions that fill a [`Ddl`](crate::ddl::Ddl) per database.
    #[cfg(feature = "ddl")]
    Ddl {
        /// Builds the upgrade.
        upgrade: fn(&mut crate::ddl::Ddl),
        /// Builds the downgrade.
        downgrade: fn(&mut crate::ddl::Ddl),
    },
    /// refinery's: `pub fn migration() -> String`, the upgrade's SQL; no downgrade.
    Refinery(fn() -> String),
}

/// A migration's statements could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MigrationError {
    /// No section for the database, and no plain one.
    #[error(transparent)]
    NoSection(#[from] core::migration::MissingSection),
    /// A Rust migration's functions produced what no database can run.
    #[error("{file}:{line}: {message}")]
    Invalid {
        /// The migration's file name.
        file: String,
        /// The line (1 for a Rust migration).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A Rust migration read from disk: its code runs only when a build embeds it.
    #[error(
        "{file} is a Rust migration read from disk; it runs only when a build embeds it (aurora-migrate-build)"
    )]
    NotEmbedded {
        /// The migration's file name.
        file: String,
    },
    /// The migrations do not form a valid graph.
    #[error("the embedded migrations do not form a valid graph: {0}")]
    Graph(String),
}

/// How two catalogs' migrations differ, by revision id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Differences {
    /// Only in the second.
    pub added: Vec<String>,
    /// In both, with different checksums.
    pub changed: Vec<String>,
    /// Only in the first.
    pub removed: Vec<String>,
}

impl Differences {
    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Every migration with the graph over them; node `i` of the graph is migration `i`.
///
/// With a squash whose replaced files are still there, this is the chain's view, and
/// [`Catalog::squashed`] the view a fresh database takes (see `core::squash`).
#[derive(Debug, Clone)]
pub struct Catalog {
    data: core::Revisions,
    rust: Vec<Option<RustBody>>,
    squashed: Option<Box<Catalog>>,
}

impl Catalog {
    /// The migrations a build script compiled into the program.
    pub fn from_embedded(embedded: &[Embedded]) -> Result<Catalog, MigrationError> {
        let migrations: Vec<Migration> = embedded.iter().map(|e| e.migration.clone()).collect();
        let rust: Vec<Option<RustBody>> = embedded.iter().map(|e| e.rust).collect();
        Catalog::from_parts(&migrations, &rust)
    }

    /// The migrations of a directory read with `core::source::scan`.
    pub fn from_scan(scan: core::source::Scan) -> Catalog {
        let migrations: Vec<Migration> = scan.files.iter().map(|f| f.migration.clone()).collect();
        let rust = vec![None; migrations.len()];
        // The scan validated both views already: the fallback is the chain it built.
        Catalog::from_parts(&migrations, &rust)
            .unwrap_or_else(|_| Catalog::from_data(scan.into_catalog()))
    }

    /// The migrations of a directory read from disk, each Rust migration with the functions
    /// `built` embeds for it when its file is the one built (same id, same checksum). A Rust
    /// file added or changed since the build has none: its statements cannot be had.
    pub fn from_disk(scan: core::source::Scan, built: &Catalog) -> Catalog {
        let migrations: Vec<Migration> = scan.files.iter().map(|f| f.migration.clone()).collect();
        let rust: Vec<Option<RustBody>> = migrations
            .iter()
            .map(|m| {
                let index = built.graph().index_of(&m.id)?;
                (built.migration(index).checksum == m.checksum)
                    .then_some(built.rust[index])
                    .flatten()
            })
            .collect();
        Catalog::from_parts(&migrations, &rust)
            .unwrap_or_else(|_| Catalog::from_data(scan.into_catalog()))
    }

    /// How the migrations of `other` (the files on disk) differ from these (the build's): the
    /// revisions only `other` has, those whose file changed, and those `other` lacks.
    pub fn differences(&self, other: &Catalog) -> Differences {
        let mut differences = Differences::default();
        for migration in other.migrations() {
            match self.graph().index_of(&migration.id) {
                None => differences.added.push(migration.id.to_string()),
                Some(i) if self.migration(i).checksum != migration.checksum => {
                    differences.changed.push(migration.id.to_string())
                }
                Some(_) => {}
            }
        }
        for migration in self.migrations() {
            if other.graph().index_of(&migration.id).is_none() {
                differences.removed.push(migration.id.to_string());
            }
        }
        differences
    }

    /// Migrations read from disk (`core::source::scan`): SQL ones run, Rust ones are refused
    /// when they would run.
    pub fn from_data(data: core::Revisions) -> Catalog {
        let rust = vec![None; data.len()];
        Catalog {
            data,
            rust,
            squashed: None,
        }
    }

    fn from_parts(
        migrations: &[Migration],
        rust: &[Option<RustBody>],
    ) -> Result<Catalog, MigrationError> {
        let view = |view: core::squash::View| -> Result<Catalog, MigrationError> {
            let kept = core::squash::arrange(migrations, view);
            let rust = kept.iter().map(|(index, _)| rust[*index]).collect();
            let kept: Vec<Migration> = kept.into_iter().map(|(_, m)| m).collect();
            let data =
                core::Revisions::new(kept).map_err(|e| MigrationError::Graph(e.to_string()))?;
            Ok(Catalog {
                data,
                rust,
                squashed: None,
            })
        };
        let mut chain = view(core::squash::View::Chain)?;
        if core::squash::has_squashed_view(migrations) {
            chain.squashed = Some(Box::new(view(core::squash::View::Squashed)?));
        }
        Ok(chain)
    }

    /// The view a fresh database takes when a squash's replaced files are still embedded:
    /// the squashes instead of the revisions they replace. `None` without such a squash.
    pub fn squashed(&self) -> Option<&Catalog> {
        self.squashed.as_deref()
    }

    /// The revision graph.
    pub fn graph(&self) -> &Graph {
        self.data.graph()
    }

    /// The migration at graph index `index`.
    pub fn migration(&self, index: usize) -> &Migration {
        self.data.migration(index)
    }

    /// Every migration, in graph index order.
    pub fn migrations(&self) -> &[Migration] {
        self.data.migrations()
    }

    /// How many migrations.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// No migrations at all.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The SQL refinery hashes for a refinery migration: its file's text, or what its Rust
    /// function returns.
    pub fn refinery_sql(&self, index: usize) -> Result<String, MigrationError> {
        let migration = self.migration(index);
        match (&migration.refinery, self.rust[index]) {
            (Some(origin), _) if origin.sql.is_some() => {
                Ok(origin.sql.as_deref().unwrap_or_default().to_string())
            }
            (_, Some(RustBody::Refinery(sql))) => Ok(sql()),
            _ => Err(MigrationError::NotEmbedded {
                file: migration.file_name.to_string(),
            }),
        }
    }

    /// The statements of migration `index` for `direction` on `database`, each with its line.
    /// SQL statements were split when the migration was parsed; a Rust migration renders its
    /// portable DDL for the database.
    pub fn statements(
        &self,
        index: usize,
        database: Database,
        direction: Direction,
    ) -> Result<Cow<'_, [Statement]>, MigrationError> {
        let migration = self.migration(index);
        match (migration.kind, self.rust[index]) {
            (FileKind::Sql, _) => Ok(Cow::Borrowed(migration.statements(database, direction)?)),
            (FileKind::Rust, Some(RustBody::Refinery(sql))) => {
                refinery_statements(migration, sql, database, direction)
            }
            #[cfg(feature = "ddl")]
            (FileKind::Rust, Some(RustBody::Ddl { upgrade, downgrade })) => {
                let build = match direction {
                    Direction::Upgrade => upgrade,
                    Direction::Downgrade => downgrade,
                };
                rust_statements(migration, build, database, direction)
            }
            (FileKind::Rust, None) => Err(MigrationError::NotEmbedded {
                file: migration.file_name.to_string(),
            }),
        }
    }
}

/// A refinery Rust migration: the SQL its function returns, split; it has no downgrade.
fn refinery_statements(
    migration: &Migration,
    sql: fn() -> String,
    database: Database,
    direction: Direction,
) -> Result<Cow<'static, [Statement]>, MigrationError> {
    if direction == Direction::Downgrade {
        return Err(MigrationError::NoSection(core::migration::MissingSection {
            file: migration.file_name.to_string(),
            direction,
            database,
        }));
    }
    core::source::split(&sql(), 1)
        .map(Cow::Owned)
        .map_err(|e| MigrationError::Invalid {
            file: migration.file_name.to_string(),
            line: e.line,
            message: e.message,
        })
}

#[cfg(feature = "ddl")]
fn rust_statements(
    migration: &Migration,
    build: fn(&mut crate::ddl::Ddl),
    database: Database,
    direction: Direction,
) -> Result<Cow<'static, [Statement]>, MigrationError> {
    let invalid = |message: String| MigrationError::Invalid {
        file: migration.file_name.to_string(),
        line: 1,
        message,
    };
    let mut ddl = crate::ddl::Ddl::new(database);
    build(&mut ddl);
    let statements = ddl.into_statements().map_err(invalid)?;
    if statements.is_empty() && direction == Direction::Upgrade && !migration.is_merge() {
        return Err(invalid(
            "upgrade() produced no statement; write it, or delete the file".into(),
        ));
    }
    Ok(Cow::Owned(
        statements
            .into_iter()
            .map(|text| Statement {
                text: Cow::Owned(text),
                line: 1,
            })
            .collect(),
    ))
}
