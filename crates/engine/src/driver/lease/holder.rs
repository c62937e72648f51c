//! Who holds the lease, read from its row as data (with whether it is live, and whether its
//! holder is known to be dead), the error a wait for it ends in, and breaking it. Must not
//! import the runner.

use std::time::Duration;

use sqlx::Row;

use crate::bookkeeping::{Claimant, Tables};
use crate::driver::{Connection, database_message};
use crate::error::{Error, LeaseHolder, Result};

impl Connection {
    /// The lease row's holder (only a live one with `live_only`); `None` when nobody holds it
    /// or the lease table does not exist.
    pub(crate) async fn lease_row(
        &mut self,
        tables: &Tables,
        live_only: bool,
    ) -> std::result::Result<Option<LeaseHolder>, sqlx::Error> {
        let sql = tables.lease_holder(self.kind(), live_only);
        let row = dispatch!(self, c => {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).fetch_optional(c.raw()).await.map(|row| {
                row.map(|row| (0..8).map(|i| row.try_get::<Option<String>, _>(i).ok().flatten()).collect::<Vec<_>>())
            })
        });
        let fields = match row {
            Ok(Some(fields)) => fields,
            Ok(None) => return Ok(None),
            Err(e) if is_missing_table(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        let field = |i: usize| fields[i].clone().unwrap_or_else(|| "?".into());
        let Some(holder) = fields[0].clone() else {
            return Ok(None);
        };
        let host = field(1);
        let pid = fields[2].as_deref().and_then(|p| p.parse().ok());
        Ok(Some(LeaseHolder {
            dead: pid.is_some_and(|pid| Claimant::is_dead(&host, pid)),
            holder,
            host,
            pid,
            acquired: field(3),
            renewed: field(4),
            expires: fields[5]
                .clone()
                .unwrap_or_else(|| "never (no expiry recorded)".into()),
            token: fields[6]
                .as_deref()
                .and_then(|t| t.parse().ok())
                .unwrap_or(0),
            live: fields[7].as_deref() == Some("live"),
        }))
    }

    /// The error a wait for the lease ends in: a dead holder's lease is named as such, with
    /// how to end it; any other holder as a lock timeout.
    pub(super) async fn lease_timeout(&mut self, tables: &Tables, waited: Duration) -> Error {
        let table = tables.version.clone();
        match self.lease_row(tables, false).await {
            Ok(Some(holder)) if holder.dead => Error::DeadHolder {
                table,
                waited,
                holder: Box::new(holder),
            },
            Ok(Some(holder)) => Error::LockTimeout {
                table,
                waited,
                holder: holder.to_string(),
            },
            Ok(None) => Error::LockTimeout {
                table,
                waited,
                holder: "a runner that has just released it".into(),
            },
            Err(e) => Error::LockTimeout {
                table,
                waited,
                holder: format!(
                    "a runner the lease table does not show ({})",
                    database_message(&e)
                ),
            },
        }
    }

    /// Breaks the lease `holder` holds, if it still does: `false` when it changed hands or was
    /// released since it was read.
    pub(crate) async fn break_lease(
        &mut self,
        tables: &Tables,
        holder: &LeaseHolder,
    ) -> Result<bool> {
        let sql = tables.break_lease(self.kind(), &holder.holder, holder.token);
        self.exec(&sql)
            .await
            .map(|changed| changed > 0)
            .map_err(|e| Error::database("cannot break the migration lease", e))
    }
}

/// The table a statement names does not exist, nor perhaps its schema (a tenant's, before
/// its first upgrade): PostgreSQL's 42P01 and 3F000, MySQL's 1146 and 1049, SQLite's "no such
/// table".
pub(crate) fn is_missing_table(error: &sqlx::Error) -> bool {
    let Some(error) = error.as_database_error() else {
        return false;
    };
    if error.message().starts_with("no such table") {
        return true;
    }
    #[cfg(feature = "mysql")]
    if let Some(mysql) = error.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return matches!(mysql.number(), 1146 | 1049);
    }
    matches!(error.code().as_deref(), Some("42P01" | "3F000"))
}
