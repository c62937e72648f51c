//! Taking over a database another tool migrated, on the first run that changes it. refinery's:
//! every row of `refinery_schema_history` checked against the embedded file with refinery's own
//! checksum (`refinery-core`), then the same state recorded in our version table and log, in
//! one transaction; refinery's table is never touched. Alembic's: its version table is ours
//! already, and the revisions it applied get their checksums in the log (trust on first use).
//! Must not import autogenerate.

use super::{Records, Runner};
use crate::bookkeeping::record_statements;
#[cfg(feature = "refinery")]
use crate::bookkeeping::stamp_statements;
use crate::driver::Connection;
#[cfg(feature = "refinery")]
use crate::driver::RefineryRow;
#[cfg(feature = "refinery")]
use crate::error::Error;
use crate::error::{AdoptError, Result};
#[cfg(feature = "refinery")]
use aurora_migrate_core::revision::Applied;

#[cfg(feature = "refinery")]
/// What an adoption recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adopted {
    /// The revisions recorded as applied (refinery's versions, as `v<n>`).
    pub revisions: Vec<String>,
}

/// refinery's history table, as refinery names it.
const REFINERY_HISTORY: &str = "refinery_schema_history";

impl Runner<'_> {
    /// Before a run changes the database: adopts refinery's history, and records the checksums
    /// of revisions another tool applied (Alembic's), so a file changed after today is caught.
    /// Returns the status as it then stands.
    pub(super) async fn take_over(
        &self,
        connection: &mut Connection,
        status: Records,
    ) -> Result<Records> {
        self.refuse_refinery_without_files(connection, &status)
            .await?;
        #[cfg(feature = "refinery")]
        if self.adopt_if_refinery(connection, &status).await?.is_some() {
            return Ok(Records::read(
                self.catalog,
                connection.read(&self.tables).await?,
            ));
        }
        let unrecorded = status.unrecorded(self.catalog);
        // What the run will refuse anyway is left as it is: a refusal changes nothing.
        if unrecorded.is_empty()
            || !status.unknown.is_empty()
            || status.verify_known(self.catalog).is_err()
        {
            return Ok(status);
        }
        let kind = connection.kind();
        let mut statements = match status.tables_exist {
            true => Vec::new(),
            false => self.tables.create(kind),
        };
        statements.extend(self.outdated_log_ddl(kind, &status));
        statements.extend(record_statements(
            self.catalog,
            &self.tables,
            &unrecorded,
            kind,
        ));
        connection.run_in_transaction(&statements).await?;
        tracing::info!(
            "recorded the checksums of {} revision(s) another tool applied: from now on a changed file is caught",
            unrecorded.len()
        );
        Ok(Records::read(
            self.catalog,
            connection.read(&self.tables).await?,
        ))
    }

    /// A database refinery migrated, with no history of ours, under a build that carries none
    /// of refinery's files (or cannot read them): running from base would apply everything on
    /// top of refinery's schema. Refused, with the reason; nothing is changed.
    async fn refuse_refinery_without_files(
        &self,
        connection: &mut Connection,
        status: &Records,
    ) -> Result<()> {
        let has_refinery_files = cfg!(feature = "refinery")
            && self
                .catalog
                .migrations()
                .iter()
                .any(|m| m.refinery.is_some());
        if status.tables_exist || !status.current.is_empty() || has_refinery_files {
            return Ok(());
        }
        match connection.table_exists(REFINERY_HISTORY).await? {
            true => Err(AdoptError::RefineryFilesMissing {
                refinery: cfg!(feature = "refinery"),
            }
            .into()),
            false => Ok(()),
        }
    }

    #[cfg(feature = "refinery")]
    /// Adopts refinery's history, under the lock, changing only our own tables.
    pub async fn adopt_refinery(&self) -> Result<Adopted> {
        let (mut connection, status) = self.begin().await?;
        let result = async {
            if !status.current.is_empty() || !status.unknown.is_empty() {
                return Err(AdoptError::Adopted(self.tables.version.clone()).into());
            }
            let rows = connection
                .refinery_history()
                .await?
                .ok_or(AdoptError::NoHistory)?;
            self.record_adoption(&mut connection, &rows).await
        }
        .await;
        self.finish(connection, result).await
    }

    /// On a database with no history of ours but refinery's, and a catalogue with refinery's
    /// files: adopts it, and says what it recorded (the status is to be read again).
    #[cfg(feature = "refinery")]
    async fn adopt_if_refinery(
        &self,
        connection: &mut Connection,
        status: &Records,
    ) -> Result<Option<Adopted>> {
        let has_refinery_files = self
            .catalog
            .migrations()
            .iter()
            .any(|m| m.refinery.is_some());
        if status.tables_exist || !status.current.is_empty() || !has_refinery_files {
            return Ok(None);
        }
        match connection.refinery_history().await? {
            Some(rows) if !rows.is_empty() => {
                let adopted = self.record_adoption(connection, &rows).await?;
                tracing::info!(
                    "adopted refinery's history: {} migration(s) recorded as applied",
                    adopted.revisions.len()
                );
                Ok(Some(adopted))
            }
            _ => Ok(None),
        }
    }

    #[cfg(feature = "refinery")]
    async fn record_adoption(
        &self,
        connection: &mut Connection,
        rows: &[RefineryRow],
    ) -> Result<Adopted> {
        let graph = self.catalog.graph();
        let mut applied = Vec::new();
        for row in rows {
            let index = self
                .catalog
                .migrations()
                .iter()
                .position(|m| {
                    m.refinery
                        .as_ref()
                        .is_some_and(|r| r.version == row.version)
                })
                .ok_or_else(|| AdoptError::Missing {
                    version: row.version,
                    name: row.name.clone(),
                })?;
            let embedded = self.refinery_checksums(index)?;
            if !embedded.contains(&row.checksum) {
                return Err(AdoptError::Changed {
                    version: row.version,
                    name: row.name.clone(),
                    recorded: row.checksum.clone(),
                    embedded: embedded[0].clone(),
                }
                .into());
            }
            applied.push(index);
        }
        // The files form a chain: what refinery applied must be its beginning.
        let set = Applied::from_rows(graph, &applied);
        let versions: Vec<i64> = rows.iter().map(|r| r.version).collect();
        if let Some(&missing) = set.set.iter().find(|&&i| !applied.contains(&i)) {
            let missing = self
                .catalog
                .migration(missing)
                .refinery
                .as_ref()
                .map_or(0, |r| r.version);
            let applied = versions
                .iter()
                .copied()
                .filter(|v| *v > missing)
                .min()
                .unwrap_or(missing);
            return Err(AdoptError::OutOfOrder { applied, missing }.into());
        }
        let kind = connection.kind();
        let mut statements = self.tables.create(kind);
        statements.extend(stamp_statements(self.catalog, &self.tables, &set, kind));
        connection.run_in_transaction(&statements).await?;
        Ok(Adopted {
            revisions: graph
                .ordered(set.set.iter().copied())
                .into_iter()
                .map(|i| graph.node(i).id.clone())
                .collect(),
        })
    }

    #[cfg(feature = "refinery")]
    /// refinery's checksums of migration `index`, by refinery's own code: of the file as it is,
    /// and of its text before our first section marker, so a downgrade added to the file
    /// after refinery applied it does not count as a change.
    fn refinery_checksums(&self, index: usize) -> Result<Vec<String>> {
        let migration = self.catalog.migration(index);
        let origin = migration.refinery.as_ref().ok_or_else(|| {
            Error::from(AdoptError::Missing {
                version: 0,
                name: migration.file_name.to_string(),
            })
        })?;
        let sql = self.catalog.refinery_sql(index)?;
        let mut texts = vec![sql.clone()];
        let lines: Vec<&str> = sql.split_inclusive('\n').collect();
        let end = aurora_migrate_core::source::refinery::first_marker(&lines);
        if end < lines.len() {
            // The blank lines before the marker may be new too.
            let before = &sql[..lines[..end].iter().map(|l| l.len()).sum::<usize>()];
            let trimmed = before.trim_end();
            texts.extend([
                before.to_string(),
                format!("{trimmed}\n"),
                trimmed.to_string(),
            ]);
        }
        texts
            .iter()
            .map(|text| {
                let checksum = refinery_core::Migration::unapplied(&origin.stem, text)
                    .map_err(|e| AdoptError::Name {
                        file: migration.file_name.to_string(),
                        message: e.to_string(),
                    })?
                    .checksum();
                Ok(checksum.to_string())
            })
            .collect()
    }
}
