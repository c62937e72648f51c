//! `check` as data: where the database stands (heads, checksums, the version table) and, when
//! it is at the heads and there are models, how the models and the schema differ. Changes
//! nothing; the caller decides how to show it. Must not import a driver.

use super::compare_schema;
use crate::error::Result;
use crate::runner::Runner;
use crate::runner::{Standing, State};
use crate::schema::model::Schema;

/// What `check` found.
#[derive(Debug, Clone)]
pub struct Check {
    /// Heads, pending and unknown revisions, checksums, the version table.
    pub standing: Standing,
    /// The models against the schema.
    pub models: Models,
    /// What the database holds that models cannot declare, passed over when they were
    /// compared, by kind with how many: see [`super::not_compared`].
    pub not_compared: Vec<String>,
}

/// The models' half of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Models {
    /// The models describe the schema.
    Match,
    /// They differ, one description a difference (Alembic's wording).
    Differ(Vec<String>),
    /// There are no models to compare (a program built around migrations it has none for).
    NotGiven,
    /// Not compared: the database is not at the heads, or its history has problems.
    Skipped,
}

impl Check {
    /// Nothing found: at the heads, every checksum recorded and matching, models matching or
    /// not given.
    pub fn passed(&self) -> bool {
        self.standing.state() == State::AtHeads
            && self.standing.unrecorded.is_empty()
            && matches!(self.models, Models::Match | Models::NotGiven)
    }
}

/// Checks the database `runner` reaches against its catalogue and, if given, `models`.
pub async fn check(runner: &Runner<'_>, models: Option<&Schema>) -> Result<Check> {
    let standing = runner.standing().await?;
    let clean = standing.state() == State::AtHeads && standing.unrecorded.is_empty();
    let mut not_compared = Vec::new();
    let models = match models {
        None => Models::NotGiven,
        Some(_) if !clean => Models::Skipped,
        Some(models) => {
            let comparison = compare_schema(runner, models).await?;
            not_compared = comparison.not_compared.clone();
            let differences = comparison.descriptions();
            match differences.is_empty() {
                true => Models::Match,
                false => Models::Differ(differences),
            }
        }
    };
    Ok(Check {
        standing,
        models,
        not_compared,
    })
}
