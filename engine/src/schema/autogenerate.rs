//! Autogenerate: compare the models with a database at head, describe the differences, and
//! write them as a migration with upgrade and downgrade.

use super::diff::{Change, diff};
use super::model::Schema;
use super::render;
use crate::dialect::Kind;
use crate::error::{Error, Result};
use crate::runner::Runner;

/// The database's schema, the models' schema (both as one dialect holds them) and the
/// changes from the first to the second.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub kind: Kind,
    pub current: Schema,
    pub desired: Schema,
    pub changes: Vec<Change>,
}

/// A generated migration's text after its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Generated {
    /// Portable DDL for every dialect, when every change is one barrel is proven right for.
    Rust(String),
    /// SQL sections per dialect, for everything else.
    Sql(String),
}

impl Comparison {
    /// The migration: Rust when every change (and its reverse) is portable, SQL otherwise.
    pub fn generate(&self) -> Generated {
        let reverse: Vec<Change> = self.changes.iter().rev().map(Change::reverse).collect();
        match (
            render::rust::ops(&self.changes),
            render::rust::ops(&reverse),
        ) {
            (Some(upgrade), Some(downgrade)) => {
                Generated::Rust(render::rust::file_body(&upgrade, &downgrade))
            }
            _ => Generated::Sql(self.migration_sections()),
        }
    }

    /// Enum values the migration adds and also uses, as `type.value`: when there are any, it
    /// must run outside a transaction (PostgreSQL cannot use a value added in the same one).
    pub fn enum_values_added_and_used(&self) -> Vec<String> {
        render::enum_values_added_and_used(&self.changes, self.kind)
    }

    pub fn descriptions(&self) -> Vec<String> {
        self.changes.iter().flat_map(Change::describe).collect()
    }

    /// The sections of the new migration: for the database compared, and for SQLite too when
    /// that was PostgreSQL (whose schema says everything SQLite needs; the reverse is not so).
    pub fn migration_sections(&self) -> String {
        let mut text = render::sections(&self.changes, &self.current, &self.desired, self.kind);
        if self.kind == Kind::Postgres {
            let (current, desired) = (
                self.current.normalized(Kind::Sqlite),
                self.desired.normalized(Kind::Sqlite),
            );
            let changes = diff(&current, &desired);
            text.push('\n');
            text.push_str(&render::sections(
                &changes,
                &current,
                &desired,
                Kind::Sqlite,
            ));
        }
        text
    }
}

/// Compares `models` with the database `runner` reaches, which must be at the heads.
pub async fn compare(runner: &Runner<'_>, models: &Schema) -> Result<Comparison> {
    let status = runner.status().await?;
    let graph = runner.catalog().graph();
    let heads = graph.heads();
    if !status.unknown.is_empty() || status.current != heads {
        let at = if status.current.is_empty() && status.unknown.is_empty() {
            "base".to_string()
        } else {
            let mut ids: Vec<String> = status
                .current
                .iter()
                .map(|&i| graph.node(i).id.clone())
                .collect();
            ids.extend(status.unknown.iter().cloned());
            ids.join(", ")
        };
        return Err(Error::Refused(format!(
            "the database is at {at}, not at the heads; autogenerate compares the models with the schema at head: \
             run `aurora-migrate upgrade heads` first, or pass --scratch-url to build that schema in a throwaway database"
        )));
    }
    compare_schema(runner, models).await
}

/// Compares `models` with the database's schema, for a caller that has already checked that
/// the database is at the heads (as `check` has).
pub async fn compare_schema(runner: &Runner<'_>, models: &Schema) -> Result<Comparison> {
    let introspection = runner.introspect().await?;
    let kind = runner.url().kind();
    let current = introspection.schema.normalized(kind);
    let desired = models.normalized(kind);
    let changes = diff(&current, &desired);
    Ok(Comparison {
        kind,
        current,
        desired,
        changes,
    })
}
