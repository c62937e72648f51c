//! What a MySQL statement a run left `started` did, judged by `information_schema`. MySQL 8.0
//! (InnoDB) and MariaDB 10.6 make each DDL statement atomic: it took effect whole or not at
//! all, so the objects it creates or drops say which. A statement that took effect in part
//! (an older server, or several tables in one `DROP TABLE` on MariaDB) is reported as unknown.
//! Must not import the runner.

use sqlx::Row;

use super::Mysql;
use crate::driver::StepCheck;
use crate::sql::outcome::{self, Expected, Object};
use aurora_migrate_core::Database;

impl Mysql {
    pub(crate) async fn check_step(&mut self, text: &str) -> Result<StepCheck, sqlx::Error> {
        let Some(expected) = outcome::expected(text, Database::Mysql) else {
            return Ok(match outcome::repeatable(text, Database::Mysql) {
                true => StepCheck::NotDone(
                    "it says IF [NOT] EXISTS, so running it again does no harm: it runs again"
                        .to_string(),
                ),
                false => StepCheck::Unknown(
                    "no check of its effect is known for this kind of statement".to_string(),
                ),
            });
        };
        let mut held = Vec::new();
        let mut missed = Vec::new();
        for Expected { object, exists } in &expected {
            match (self.exists(object).await?, *exists) {
                (true, true) => held.push(format!("{object} exists")),
                (false, false) => held.push(format!("{object} is gone")),
                (false, true) => missed.push(format!("{object} does not exist")),
                (true, false) => missed.push(format!("{object} is still there")),
            }
        }
        let said = |objects: &[String]| objects.join(", ");
        Ok(match (held.is_empty(), missed.is_empty()) {
            (false, true) => {
                StepCheck::Done(format!("the catalog shows its effect: {}", said(&held)))
            }
            (true, false) => StepCheck::NotDone(format!(
                "the catalog shows none of its effect: {}",
                said(&missed)
            )),
            _ => StepCheck::Unknown(format!(
                "the catalog shows part of its effect ({}) but not the rest ({})",
                said(&held),
                said(&missed)
            )),
        })
    }

    async fn exists(&mut self, object: &Object) -> Result<bool, sqlx::Error> {
        let (sql, table, extra) = match object {
            Object::Table(table) => (
                "SELECT COUNT(*) FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?",
                table,
                None,
            ),
            Object::Column(table, column) => (
                "SELECT COUNT(*) FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND COLUMN_NAME = ?",
                table,
                Some(column),
            ),
            Object::Constraint(table, name) => (
                "SELECT COUNT(*) FROM information_schema.TABLE_CONSTRAINTS \
                 WHERE CONSTRAINT_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND CONSTRAINT_NAME = ?",
                table,
                Some(name),
            ),
            Object::Index(table, index) => (
                "SELECT COUNT(*) FROM information_schema.STATISTICS \
                 WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND INDEX_NAME = ?",
                table,
                Some(index),
            ),
        };
        let (schema, name) = table.schema_and_table();
        let mut query = sqlx::query(sql).bind(schema).bind(name);
        if let Some(extra) = extra {
            query = query.bind(extra.as_str());
        }
        let row = query.fetch_one(self.raw()).await?;
        Ok(row.get::<i64, _>(0) > 0)
    }
}
