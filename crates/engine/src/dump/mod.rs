//! A schema dump built from introspection, not from `pg_dump` or `mysqldump`: the schema at
//! the database's current revision as canonical SQL (objects sorted by name, one formatting,
//! no server version or date; objects the database keeps as text last, in its order), headed
//! by what it leaves out, with the version table and the log's checksums as statements,
//! so that the file says which revision it shows and a database loaded from it is at that
//! revision. Two databases built by the same migrations dump the same bytes. Must not be
//! imported by the runner.

use crate::bookkeeping::{Stored, Tables};
use crate::driver::Connection;
use crate::error::Result;
use crate::runner::Runner;
use crate::schema::diff::Change;
use crate::schema::model::{Definition, LeftOut, Schema, Table};
use crate::sql::literal;
use aurora_migrate_core::Database;

/// A dump and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Dump {
    /// The SQL text.
    pub text: String,
    /// The version table's rows it records.
    pub revisions: Vec<String>,
    /// How many tables it creates.
    pub tables: usize,
    /// What the database holds that the dump does not rebuild, also listed at its top.
    pub left_out: Vec<LeftOut>,
}

/// Dumps the database `runner` reaches, reading its bookkeeping and schema on one connection;
/// changes nothing.
pub async fn dump(runner: &Runner<'_>) -> Result<Dump> {
    let mut connection = runner.open_for_reading().await?;
    let result = read(&mut connection, runner.tables()).await;
    connection.close().await;
    let (stored, schema) = result?;
    Ok(render(&schema, runner.kind(), runner.tables(), &stored))
}

async fn read(connection: &mut Connection, tables: &Tables) -> Result<(Stored, Schema)> {
    let stored = connection.read(tables).await?;
    let schema = connection.introspect(tables).await?.schema;
    Ok((stored, schema))
}

/// The canonical text of `schema` on `kind`, with what `stored` says of the revision.
pub fn render(schema: &Schema, kind: Database, tables: &Tables, stored: &Stored) -> Dump {
    let schema = sorted(schema);
    let mut rows = stored.rows.clone();
    rows.sort();
    let at = match rows.as_slice() {
        [] => "base".to_string(),
        some => some.join(", "),
    };
    let mut text = format!(
        "-- Schema of a {} database at revision {at}, read from its catalog.\n\
         -- Regenerate it with `dump`; load it into an empty database to stand at that revision.\n{}{}",
        kind.name(),
        left_out_block(&schema.left_out),
        crate::driver::script::settings(kind)
    );
    for statement in schema_statements(&schema, kind) {
        text.push('\n');
        text.push_str(&statement);
        text.push_str(";\n");
    }
    text.push_str("\n-- The revision, as the version table and the log record it.\n");
    for statement in bookkeeping(kind, tables, stored, &rows) {
        text.push_str(&statement);
        text.push_str(";\n");
    }
    Dump {
        text,
        revisions: rows,
        tables: schema.tables.len(),
        left_out: schema.left_out.clone(),
    }
}

/// The comment that lists what a file does not rebuild, one object a line; empty when the
/// file rebuilds everything the catalog holds.
pub fn left_out_block(left_out: &[LeftOut]) -> String {
    if left_out.is_empty() {
        return String::new();
    }
    let mut block = format!(
        "-- Left out: the database holds {} object(s) this file does not rebuild:\n",
        left_out.len()
    );
    for object in left_out {
        // A name may hold a line break; the comment must not end inside it.
        block.push_str(&format!("--   - {}\n", one_line(&object.to_string())));
    }
    block
}

/// `text` on one line.
pub fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// Enums, then tables (with their indexes), then foreign keys, each group by name, then the
/// objects carried as their own text. SQLite
/// keeps foreign keys in its tables (it checks them only when rows change, so the order of
/// creation does not matter); the others add them once every table exists.
fn schema_statements(schema: &Schema, kind: Database) -> Vec<String> {
    let empty = Schema::default();
    // Extensions come first: the tables' columns may use the types they bring.
    let (first, last): (Vec<&Definition>, Vec<&Definition>) =
        schema.definitions.iter().partition(|d| d.before_tables());
    let mut statements: Vec<String> = first.iter().map(|d| d.sql.clone()).collect();
    statements.extend(crate::autogenerate::statements(
        &creation(schema, kind),
        &empty,
        schema,
        kind,
    ));
    // Views, triggers and the like come last, in the order the database gave: an order that
    // applies, once every table exists.
    statements.extend(last.iter().map(|d| d.sql.clone()));
    statements
}

/// The changes that build `schema` from nothing, in the order [`schema_statements`] gives.
fn creation(schema: &Schema, kind: Database) -> Vec<Change> {
    let mut changes: Vec<Change> = schema
        .enums
        .iter()
        .cloned()
        .map(Change::CreateEnum)
        .collect();
    let mut keys = Vec::new();
    for table in &schema.tables {
        let mut created = table.clone();
        // A constraint carried as its own text (PostgreSQL's DEFERRABLE or NOT VALID ones) is
        // written from that text alone.
        let own_text = |name: &str| {
            schema.definitions.iter().any(|d| {
                d.kind == "CONSTRAINT" && d.name == name && d.table.as_deref() == Some(&table.name)
            })
        };
        created.uniques.retain(|u| !own_text(&u.name));
        created.checks.retain(|c| !own_text(&c.name));
        created.foreign_keys.retain(|k| !own_text(&k.name));
        if kind != Database::Sqlite {
            keys.extend(
                created
                    .foreign_keys
                    .drain(..)
                    .map(|key| Change::AddForeignKey {
                        table: table.name.clone(),
                        key,
                    }),
            );
        }
        changes.push(Change::CreateTable(created));
    }
    changes.extend(keys);
    changes
}

/// What a database loaded from the dump needs to stand at the revision: the bookkeeping
/// tables, the version rows, and the log's checksums (as a stamp records them).
fn bookkeeping(kind: Database, tables: &Tables, stored: &Stored, rows: &[String]) -> Vec<String> {
    let mut statements = tables.create(kind);
    for row in rows {
        statements.push(format!(
            "INSERT INTO {} (version_num) VALUES ({})",
            tables.version_sql(),
            literal(row)
        ));
    }
    let mut log: Vec<(&str, &str)> = stored
        .log
        .iter()
        .map(|e| (e.revision.as_str(), e.checksum.as_str()))
        .collect();
    log.sort();
    for (revision, checksum) in log {
        statements.push(format!(
            "INSERT INTO {} (revision, checksum) VALUES ({}, {})",
            tables.log_sql(),
            literal(revision),
            literal(checksum)
        ));
    }
    statements
}

/// Everything named in name order; columns keep the order the table has them in.
fn sorted(schema: &Schema) -> Schema {
    let mut schema = schema.clone();
    schema.enums.sort_by(|a, b| a.name.cmp(&b.name));
    schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
    for table in &mut schema.tables {
        sort_parts(table);
    }
    schema.left_out.sort();
    schema
}

fn sort_parts(table: &mut Table) {
    table.uniques.sort_by(|a, b| a.name.cmp(&b.name));
    table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    table.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
    table.checks.sort_by(|a, b| a.name.cmp(&b.name));
}

pub mod baseline;
pub mod squash;

#[cfg(test)]
mod tests;
