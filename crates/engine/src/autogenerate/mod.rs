//! Autogenerate: compare the models with a database at head, describe the differences, and
//! write them as a migration with upgrade and downgrade (Rust over `Ddl` when every change is
//! portable, SQL sections otherwise). Must not be imported by the runner.

mod check;
mod render;
pub mod rust;
mod scratch;
mod unseen;

pub use check::{Check, Models, check};
pub use render::{enum_values_added_and_used, sections, statements};
pub use scratch::compare_scratch;
pub use unseen::not_compared;

pub use crate::driver::Introspection;
use crate::error::{Error, Result};
use crate::runner::Runner;
use crate::schema::diff::{Change, diff};
use crate::schema::model::Schema;
use aurora_migrate_core::Database;

/// The database's schema, the models' schema (both as one dialect holds them) and the
/// changes from the first to the second.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Comparison {
    /// The database compared.
    pub kind: Database,
    /// Its schema, as that database holds it.
    pub current: Schema,
    /// The models' schema, as that database would hold it.
    pub desired: Schema,
    /// What turns the first into the second.
    pub changes: Vec<Change>,
    /// What the database holds that models cannot declare, so the comparison passes over it,
    /// by kind with how many (`2 view(s)`): see [`not_compared`].
    pub not_compared: Vec<String>,
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
        match (rust::ops(&self.changes), rust::ops(&reverse)) {
            (Some(upgrade), Some(downgrade)) => {
                Generated::Rust(rust::file_body(&upgrade, &downgrade))
            }
            _ => Generated::Sql(self.migration_sections()),
        }
    }

    /// Enum values the migration adds and also uses, as `type.value`: when there are any, it
    /// must run outside a transaction (PostgreSQL cannot use a value added in the same one).
    pub fn enum_values_added_and_used(&self) -> Vec<String> {
        render::enum_values_added_and_used(&self.changes, self.kind)
    }

    /// Each change as Alembic describes it (`Detected added column 'chains.rpc_endpoint'`).
    pub fn descriptions(&self) -> Vec<String> {
        self.changes.iter().flat_map(Change::describe).collect()
    }

    /// The sections of the new migration: for the database compared, and for SQLite too when
    /// that was PostgreSQL (whose schema says everything SQLite needs; the reverse is not so).
    pub fn migration_sections(&self) -> String {
        let mut text = render::sections(&self.changes, &self.current, &self.desired, self.kind);
        if self.kind == Database::Postgres {
            let (current, desired) = (
                self.current.normalized(Database::Sqlite),
                self.desired.normalized(Database::Sqlite),
            );
            let changes = diff(&current, &desired);
            text.push('\n');
            text.push_str(&render::sections(
                &changes,
                &current,
                &desired,
                Database::Sqlite,
            ));
        }
        text
    }
}

/// Reads the schema of the database `runner` reaches, changing nothing.
pub async fn introspect(runner: &Runner<'_>) -> Result<Introspection> {
    let mut connection = runner.open_for_reading().await?;
    let result = connection.introspect(runner.tables()).await;
    connection.close().await;
    result
}

/// Compares `models` with the database `runner` reaches, which must be at the heads.
pub async fn compare(runner: &Runner<'_>, models: &Schema) -> Result<Comparison> {
    let status = runner.records().await?;
    let graph = runner.catalog().graph();
    let heads = graph.heads();
    if !status.unknown.is_empty() || status.current != heads {
        let mut at: Vec<String> = status
            .current
            .iter()
            .map(|&i| graph.node(i).id.clone())
            .collect();
        at.extend(status.unknown.iter().cloned());
        return Err(Error::NotAtHeads { at });
    }
    compare_schema(runner, models).await
}

/// Compares `models` with the database's schema, for a caller that has already checked that
/// the database is at the heads (as `check` has).
pub async fn compare_schema(runner: &Runner<'_>, models: &Schema) -> Result<Comparison> {
    let introspection = introspect(runner).await?;
    let kind = runner.kind();
    let current = introspection.schema.normalized(kind);
    let desired = models.normalized(kind);
    let changes = diff(&current, &desired);
    Ok(Comparison {
        kind,
        not_compared: not_compared(&introspection.schema),
        current,
        desired,
        changes,
    })
}

/// The parents of a revision autogenerate writes: the heads the compared schema is at.
pub fn parents(catalog: &crate::catalog::Catalog) -> Vec<String> {
    let graph = catalog.graph();
    graph
        .heads()
        .iter()
        .map(|&h| graph.node(h).id.clone())
        .collect()
}
