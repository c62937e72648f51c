//! The lease as data: who holds it, and breaking it when its holder is gone (expired, or dead
//! on this host), or, forced, when it is live. Breaking moves the fencing token on, so a holder
//! that comes back finds its lease gone: its renewals fail, it stops before its next
//! migration, and on PostgreSQL a migration it has running fails its fence. Must not import
//! autogenerate.

use super::Runner;
use crate::driver::Capabilities;
use crate::error::{Error, LeaseError, LeaseHolder, Result};

impl Runner<'_> {
    /// Who holds the lease on this runner's version table; `None` when nobody does or no
    /// runner ever took it. Changes nothing.
    pub async fn lease_holder(&self) -> Result<Option<LeaseHolder>> {
        if !Capabilities::of(self.kind()).leases {
            return Err(LeaseError::Sqlite.into());
        }
        let mut connection = self.open_for_reading().await?;
        let row = connection.lease_row(&self.tables, false).await;
        connection.close().await;
        row.map_err(|e| Error::database("cannot read the migration lease", e))
    }

    /// Breaks the lease and says whose it was (`None`: nobody held it). A live lease whose
    /// holder is not known to be dead is refused unless `force`: the runner holding it may be
    /// working. Only the lease that was read is broken: one that changed hands meanwhile is
    /// refused.
    pub async fn break_lease(&self, force: bool) -> Result<Option<LeaseHolder>> {
        if !Capabilities::of(self.kind()).leases {
            return Err(LeaseError::Sqlite.into());
        }
        let mut connection = self.open_for_reading().await?;
        let table = self.tables.version.clone();
        let broken = async {
            let row = connection.lease_row(&self.tables, false).await;
            let row = row.map_err(|e| Error::database("cannot read the migration lease", e))?;
            let Some(holder) = row else {
                return Ok(None);
            };
            if holder.live && !holder.dead && !force {
                return Err(LeaseError::Live {
                    table: table.clone(),
                    holder: Box::new(holder),
                }
                .into());
            }
            match connection.break_lease(&self.tables, &holder).await? {
                true => Ok(Some(holder)),
                false => Err(LeaseError::Moved {
                    table: table.clone(),
                }
                .into()),
            }
        }
        .await;
        connection.close().await;
        broken
    }
}
