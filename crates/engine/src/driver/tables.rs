//! What a database holds besides our bookkeeping: its tables, whether one has rows, the columns
//! of a type, and their sizes from the statistics (for lint). Must not import the runner.

use super::Connection;
use crate::bookkeeping::Tables;
use crate::error::{Error, Result};
use aurora_migrate_core::Database;

impl Connection {
    /// Whether the table (a quoted SQL name) holds at least one row.
    pub(crate) async fn holds_rows(&mut self, quoted_table: &str) -> Result<bool, sqlx::Error> {
        let sql = format!("SELECT 1 FROM {quoted_table} LIMIT 1");
        let query = sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
        Ok(dispatch!(self, c => query.fetch_optional(c.raw()).await?.is_some()))
    }

    /// The columns whose type is the named type or domain (a quoted SQL name), or an array of
    /// it, as `(quoted table, column)`: what `DROP TYPE ... CASCADE` drops with it. Only
    /// PostgreSQL has such types; elsewhere there are none.
    pub(crate) async fn columns_of_type(
        &mut self,
        quoted_type: &str,
    ) -> Result<Vec<(String, String)>, sqlx::Error> {
        #[cfg(feature = "postgres")]
        #[allow(irrefutable_let_patterns)]
        if let Connection::Postgres(c) = self {
            use sqlx::Row;
            // The simple query protocol, as everywhere in the PostgreSQL driver.
            let sql = format!(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname::text \
                 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace, \
                 (SELECT t.oid, t.typarray FROM pg_type t WHERE t.oid = to_regtype({})) AS t \
                 WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped \
                 AND a.atttypid IN (t.oid, t.typarray) ORDER BY 1, 2",
                crate::sql::literal(quoted_type)
            );
            let rows = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .fetch_all(c.raw())
                .await?;
            return rows
                .iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                .collect();
        }
        let _ = quoted_type;
        Ok(Vec::new())
    }

    /// The tables of the database (its current schema), without the bookkeeping ones, sorted.
    pub(crate) async fn table_names(&mut self, tables: &Tables) -> Result<Vec<String>> {
        let sql = match self.kind() {
            Database::Postgres => {
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()"
            }
            Database::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            }
            Database::Mysql => {
                "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
            }
        };
        let names = dispatch!(self, c => sqlx::query_scalar(sql).fetch_all(c.raw()).await);
        let names: Vec<String> = names.map_err(|e| Error::database("cannot list the tables", e))?;
        let ours = tables.ours(self.name_case().await?);
        let mut names: Vec<String> = names.into_iter().filter(|n| !ours.contains(n)).collect();
        names.sort();
        Ok(names)
    }

    /// The size of every table of the database's current schema (bookkeeping ones left out),
    /// from its statistics: one query on PostgreSQL and MySQL, two on SQLite (the names, then
    /// every count in one statement), whatever the number of tables.
    pub(crate) async fn table_sizes(&mut self, tables: &Tables) -> Result<Vec<TableSize>> {
        let failed = |e| Error::database("cannot read the table sizes", e);
        let sql = match self.kind() {
            Database::Postgres => "SELECT c.relname::text, CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END, \
                                   pg_total_relation_size(c.oid) FROM pg_class c \
                                   WHERE c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace"
                .to_string(),
            Database::Mysql => "SELECT CAST(TABLE_NAME AS CHAR), CAST(TABLE_ROWS AS SIGNED), CAST(DATA_LENGTH + INDEX_LENGTH AS SIGNED) \
                                FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"
                .to_string(),
            Database::Sqlite => {
                let names = self.table_names(tables).await?;
                if names.is_empty() {
                    return Ok(Vec::new());
                }
                names
                    .iter()
                    .map(|n| format!("SELECT {}, count(*), NULL FROM {}", crate::sql::literal(n), crate::sql::quote(n)))
                    .collect::<Vec<_>>()
                    .join(" UNION ALL ")
            }
        };
        let rows: Vec<(String, Option<i64>, Option<i64>)> = dispatch!(self, c => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(c.raw()).await
        })
        .map_err(failed)?;
        let ours = tables.ours(self.name_case().await?);
        Ok(rows
            .into_iter()
            .filter(|(name, _, _)| !ours.contains(name))
            .map(|(table, rows, bytes)| TableSize { table, rows, bytes })
            .collect())
    }
}

/// One table's size, as the database's statistics tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSize {
    /// The table.
    pub table: String,
    /// Its rows, when known (PostgreSQL and MySQL estimate them).
    pub rows: Option<i64>,
    /// Its bytes with its indexes, when known (not on SQLite).
    pub bytes: Option<i64>,
}
