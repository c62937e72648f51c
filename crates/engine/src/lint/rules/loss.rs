//! The rules about what a statement destroys, from the same analysis the production guard
//! makes (`sql::effects`): a dropped table or column, every row changed or emptied, what a
//! `CASCADE` takes along, and what cannot be judged. Changes a statement bounds itself (a
//! `WHERE`, a `MERGE`, an upsert) are deliberate data changes: the guard asks before them in
//! production, lint does not report them. Pure: must not import the drivers or the runner.

use super::Context;
use crate::sql::effects::{Loss, RowChange};
use aurora_migrate_core::{Database, Statement};

impl Context<'_> {
    pub(super) fn loss(&mut self, statement: &Statement, loss: &Loss) {
        match loss {
            Loss::Table(name) => {
                let table = name.bare();
                if self.rebuilt.contains(&table)
                    || !self.existing(&table)
                    || self.upgrade_made(&table)
                {
                    return;
                }
                self.find("L010", statement, Some(&table),
                    format!("{table} and its rows are gone, and code still deployed that reads it fails"),
                    "first release code that no longer uses the table, then drop it in a later migration (and keep a backup)".into());
            }
            Loss::Column { table, column } => {
                let (table, column) = (table.bare(), column.to_ascii_lowercase());
                if !self.existing(&table)
                    || self.upgrade_made(&table)
                    || self.upgrade_made(&format!("{table}.{column}"))
                {
                    return;
                }
                self.find("L011", statement, Some(&table),
                    format!("{table}.{column} and its data are gone, and code still deployed that reads it fails"),
                    "first release code that no longer uses the column, then drop it in a later migration".into());
            }
            Loss::Rows { table, change } => self.rows(statement, &table.bare(), *change),
            Loss::TypeColumns { name, .. } if self.upgrade_made(&name.bare()) => {}
            Loss::TypeColumns { .. } | Loss::Dependents(_) => {
                self.find("L030", statement, None,
                    format!("it {loss}: the statement does not name what it destroys, so no review sees it"),
                    "drop what depends on it by name first, then drop it without CASCADE (which refuses while anything still depends on it)".into());
            }
            Loss::Unjudged(why) => {
                self.find("L031", statement, None,
                    format!("{why}: no rule, and not the production guard, can tell what it changes"),
                    "write its statements in the migration itself, or suppress with a reason that says what it does".into());
            }
            Loss::Converted { .. } => {}
        }
    }

    fn rows(&mut self, statement: &Statement, table: &str, change: RowChange) {
        if !self.existing(table) {
            return;
        }
        match change {
            RowChange::Deleted { every: true } | RowChange::Overwritten { every: true } => {
                self.find("L017", statement, Some(table),
                    format!("changes every row of {table} in the migration's transaction, holding row locks until it commits"),
                    "run the change as a `-- migrate:backfill` block (resumable batches along the key, beside the traffic); or add a WHERE that bounds it".into());
            }
            RowChange::Emptied => {
                let why = match self.subject.database {
                    Database::Mysql => format!(
                        "TRUNCATE drops and recreates {table}: every row is gone, and the open transaction is committed"
                    ),
                    _ => format!(
                        "TRUNCATE removes every row of {table} under an ACCESS EXCLUSIVE lock: reads and writes wait, and nothing can be read back"
                    ),
                };
                self.find("L022", statement, Some(table), why,
                    "keep the rows, or delete them in batches from a job once nothing reads them (and keep a backup)".into());
            }
            _ => {}
        }
    }
}
