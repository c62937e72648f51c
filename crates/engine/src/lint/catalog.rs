//! Linting a catalogue: the selected migrations on each database they are for (a Rust migration
//! in the SQL it renders there), the same finding on several databases reported once with them
//! all. Pure: must not import the drivers or the runner.

use super::{Finding, Severity, Stats, Subject, lint};
use crate::catalog::{Catalog, MigrationError};
use aurora_migrate_core::migration::MissingSection;
use aurora_migrate_core::{Database, Direction};

/// Which migrations to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every migration of the catalogue.
    All,
    /// These (graph indices), in graph order.
    Revisions(Vec<usize>),
}

/// A finding, with every database it was found on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The finding (its `database` is the first of `databases`).
    pub finding: Finding,
    /// The databases it holds on.
    pub databases: Vec<Database>,
}

/// What a lint found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The findings, by revision in graph order, then line.
    pub entries: Vec<Entry>,
    /// The migrations linted.
    pub migrations: usize,
    /// The statements read (upgrades and downgrades), over every database.
    pub statements: usize,
    /// Rust migrations read from disk whose code this build does not carry (added or changed
    /// since it was built): not linted until a rebuild.
    pub not_built: Vec<String>,
}

impl Report {
    /// Findings of `severity` not suppressed.
    pub fn count(&self, severity: Severity) -> usize {
        self.entries
            .iter()
            .filter(|e| e.finding.severity == severity && e.finding.suppressed.is_none())
            .count()
    }

    /// Findings a `lint: allow` accepts.
    pub fn suppressed(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.finding.suppressed.is_some())
            .count()
    }

    /// An error remains.
    pub fn failed(&self) -> bool {
        self.count(Severity::Error) > 0
    }
}

/// Lints `selection` of `catalog` on each of `databases` a migration is for.
pub fn lint_catalog(
    catalog: &Catalog,
    selection: &Selection,
    databases: &[Database],
    stats: Option<&Stats>,
) -> Result<Report, MigrationError> {
    let graph = catalog.graph();
    let indices = match selection {
        Selection::All => graph.ordered(0..graph.len()),
        Selection::Revisions(list) => graph.ordered(list.iter().copied()),
    };
    let mut report = Report {
        migrations: indices.len(),
        ..Report::default()
    };
    for index in indices {
        let migration = catalog.migration(index);
        let file = format!("migrations/{}", migration.file_name);
        for &database in databases {
            let upgrade = match catalog.statements(index, database, Direction::Upgrade) {
                Ok(statements) => statements,
                // A migration written for other databases only is not for this one.
                Err(MigrationError::NoSection(MissingSection { .. })) => continue,
                Err(MigrationError::NotEmbedded { file }) => {
                    if !report.not_built.contains(&file) {
                        report.not_built.push(file);
                    }
                    continue;
                }
                Err(other) => return Err(other),
            };
            let downgrade = catalog
                .statements(index, database, Direction::Downgrade)
                .ok();
            report.statements += upgrade.len() + downgrade.as_deref().map_or(0, <[_]>::len);
            let subject = Subject {
                revision: &migration.id,
                file: &file,
                database,
                transactional: migration.transactional,
                compatibility: migration.compatibility,
                upgrade: &upgrade,
                downgrade: downgrade.as_deref(),
                allows: &migration.lint_allows,
            };
            for finding in lint(&subject, stats) {
                merge(&mut report.entries, finding);
            }
        }
    }
    Ok(report)
}

/// The same finding on another database joins the entry already there.
fn merge(entries: &mut Vec<Entry>, finding: Finding) {
    let same = entries.iter_mut().find(|e| {
        let f = &e.finding;
        f.rule.code == finding.rule.code
            && f.revision == finding.revision
            && f.direction == finding.direction
            && f.line == finding.line
            && f.statement == finding.statement
            && f.severity == finding.severity
            && f.why == finding.why
            && f.suppressed == finding.suppressed
    });
    match same {
        Some(entry) => entry.databases.push(finding.database),
        None => entries.push(Entry {
            databases: vec![finding.database],
            finding,
        }),
    }
}
