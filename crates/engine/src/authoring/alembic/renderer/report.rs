//! Which sections of an import Alembic rendered and which the static converter wrote, and why:
//! what the command prints and returns as JSON. Pure but for reading the files just written.
//! Must not import the runner.

use std::path::PathBuf;

use super::{Rendered, Section};
use crate::authoring::alembic::Imported;
use aurora_migrate_core::{Database, Direction};

/// How an import through Alembic's offline mode went, revision by revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Alembic's version.
    pub alembic: String,
    /// The Python that ran it.
    pub python: PathBuf,
    /// Files of the versions directory that are not revisions.
    pub skipped: Vec<String>,
    /// Every file written, in the graph's order.
    pub revisions: Vec<RevisionReport>,
}

/// One revision's sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionReport {
    /// Its id.
    pub revision: String,
    /// The file written.
    pub file: PathBuf,
    /// Each section, upgrades then downgrades, in the order of the databases asked for.
    pub sections: Vec<SectionReport>,
}

/// One section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionReport {
    /// Which way.
    pub direction: Direction,
    /// For which database.
    pub database: Database,
    /// `None` when Alembic rendered it; else why it was converted statically.
    pub fallback: Option<String>,
}

impl RevisionReport {
    /// Every section rendered by Alembic.
    pub fn by_alembic(&self) -> bool {
        self.sections.iter().all(|s| s.fallback.is_none())
    }
}

impl Report {
    pub(super) fn new(rendered: &Rendered, imported: &Imported, databases: &[Database]) -> Report {
        let revisions = imported
            .files
            .iter()
            .map(|file| {
                let revision = revision_of(file);
                let sections = [Direction::Upgrade, Direction::Downgrade]
                    .into_iter()
                    .flat_map(|direction| databases.iter().map(move |&d| (direction, d)))
                    .map(|(direction, database)| SectionReport {
                        direction,
                        database,
                        fallback: match rendered.section(&revision, direction, database) {
                            Section::Rendered(_) => None,
                            Section::Static(why) => Some(why),
                        },
                    })
                    .collect();
                RevisionReport {
                    revision,
                    file: file.clone(),
                    sections,
                }
            })
            .collect();
        Report {
            alembic: rendered.version.clone(),
            python: rendered.python.clone(),
            skipped: rendered.skipped.clone(),
            revisions,
        }
    }
}

/// The revision id a written file's header names.
fn revision_of(file: &std::path::Path) -> String {
    std::fs::read_to_string(file)
        .ok()
        .and_then(|text| {
            text.lines().find_map(|l| {
                l.strip_prefix("-- Revision ID:")
                    .map(|id| id.trim().to_string())
            })
        })
        .unwrap_or_default()
}
