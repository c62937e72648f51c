//! Offline SQL: the complete script an `upgrade` or `downgrade` would run, printed for a
//! reviewer instead of run, without a connection. The migrations (Rust ones rendered for the
//! database), each step's transaction as the driver sends it, the version table and log
//! statements with the same checksums and records, and on MySQL the dirty mark. The range is
//! resolved on the graph alone. Must not import autogenerate or the runner's session.

use crate::bookkeeping::{self, Record, Tables};
use crate::catalog::Catalog;
#[cfg(feature = "postgres")]
use crate::driver::Commit;
#[cfg(any(feature = "postgres", feature = "sqlite"))]
use crate::driver::StepTransaction;
use crate::driver::{Journaling, Work, script};
use crate::error::{Error, OfflineError, Result};
use crate::runner::Transaction;
use aurora_migrate_core::revision::target::{self, Anchor, Destination, Target};
use aurora_migrate_core::revision::{Applied, Step, plan};
use aurora_migrate_core::{Database, Direction};

/// Where an offline script starts and where it leads: `[FROM:]TO`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    /// Where the database is when the script runs; `None`: base.
    pub from: Option<Target>,
    /// Where the script leaves it.
    pub to: Target,
}

impl Range {
    /// Reads `[FROM:]TO` for `direction` (a downgrade needs FROM), refusing targets that
    /// count from the database's current revision.
    pub fn parse(text: &str, direction: Direction) -> Result<Range> {
        let (from, to) = match text.split_once(':') {
            Some((from, to)) => (Some(from.trim()), to.trim()),
            None => (None, text.trim()),
        };
        if direction == Direction::Downgrade && from.is_none_or(str::is_empty) {
            return Err(OfflineError::NoStart.into());
        }
        let parse = |text: &str| -> Result<Target> {
            let target = Target::parse(text)?;
            let counts_from_database = text.eq_ignore_ascii_case("current")
                || matches!(
                    &target,
                    Target::Relative {
                        anchor: Anchor::Current | Anchor::Branch(_),
                        ..
                    }
                );
            match counts_from_database {
                true => Err(OfflineError::NeedsDatabase {
                    target: text.to_string(),
                }
                .into()),
                false => Ok(target),
            }
        };
        let from = match from.filter(|f| !f.is_empty()) {
            Some(text) => Some(parse(text)?),
            None => None,
        };
        Ok(Range {
            from,
            to: parse(if to.is_empty() { "heads" } else { to })?,
        })
    }
}

/// What a script is for.
#[derive(Debug, Clone)]
pub struct Offline {
    /// The database it runs on.
    pub database: Database,
    /// The bookkeeping tables.
    pub tables: Tables,
    /// How its migrations share transactions.
    pub transaction: Transaction,
}

/// A script and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineScript {
    /// The SQL, ready for `psql`, `sqlite3` or `mariadb`.
    pub text: String,
    /// The revisions it applies (or reverts), in order.
    pub revisions: Vec<String>,
}

impl Offline {
    /// The script that takes a database from `range.from` to `range.to`.
    pub fn script(
        &self,
        catalog: &Catalog,
        direction: Direction,
        range: &Range,
    ) -> Result<OfflineScript> {
        let kind = self.database;
        let whole = self.transaction == Transaction::All;
        if whole && kind == Database::Mysql {
            return Err(Error::WholeRunOnMysql);
        }
        self.tables.check_for(kind)?;
        let graph = catalog.graph();
        let start = match &range.from {
            None | Some(Target::Base) => Applied::default(),
            Some(from) => match target::resolve(graph, from, &[])? {
                Destination::Revisions(rows) => Applied::from_rows(graph, &rows),
                Destination::Base => Applied::default(),
                Destination::Below(_) => {
                    return Err(OfflineError::BadStart {
                        target: target::display(from),
                    }
                    .into());
                }
            },
        };
        let rows = start.rows(graph);
        let destination = target::resolve(graph, &range.to, &rows)?;
        let steps: Result<Vec<Step>> = match direction {
            Direction::Upgrade => {
                plan::upgrade(graph, &start, &rows, &destination).map_err(Into::into)
            }
            Direction::Downgrade => {
                plan::downgrade(graph, &start, &rows, &destination).map_err(Into::into)
            }
        };
        // Nothing to do (or no such move) one way, steps the other: written backwards.
        let backwards = match direction {
            Direction::Upgrade => plan::downgrade(graph, &start, &rows, &destination).ok(),
            Direction::Downgrade => plan::upgrade(graph, &start, &rows, &destination).ok(),
        };
        let nothing = steps.as_ref().map_or(true, Vec::is_empty);
        if nothing && backwards.is_some_and(|other| !other.is_empty()) {
            return Err(OfflineError::Backwards {
                direction,
                from: range
                    .from
                    .as_ref()
                    .map_or("base".to_string(), target::display),
                to: target::display(&range.to),
            }
            .into());
        }
        let steps = steps?;
        let gated = steps.iter().find_map(|s| {
            let migration = catalog.migration(s.revision);
            let requires = migration.requires_backfill.first()?;
            (direction == Direction::Upgrade)
                .then(|| (migration.id.to_string(), requires.to_string()))
        });
        if let Some((revision, requires)) = gated {
            return Err(OfflineError::RequiresBackfill { revision, requires }.into());
        }
        if whole
            && let Some(step) = steps
                .iter()
                .find(|s| !catalog.migration(s.revision).transactional)
        {
            let migration = catalog.migration(step.revision);
            return Err(Error::WholeRunWithoutTransaction {
                revision: migration.id.to_string(),
                file: crate::error::Origin::File(format!("migrations/{}", migration.file_name)),
            });
        }
        let session = script::session(kind, &self.tables)?;
        let mut text = self.header(direction, &rows, &steps, catalog);
        if steps.is_empty() {
            text.push_str("-- Nothing to do: the range holds no migration.\n");
            return Ok(OfflineScript {
                text,
                revisions: Vec::new(),
            });
        }
        text.push_str(&session.opening);
        let expected: Vec<&str> = rows.iter().map(|&r| graph.node(r).id.as_str()).collect();
        let expect = format!(
            "\n-- Stop here, before any change, unless the database is at {}.\n{}",
            if expected.is_empty() {
                "<base>".to_string()
            } else {
                expected.join(", ")
            },
            script::expect_rows(kind, &self.tables, &expected)?
        );
        // From base the tables may not exist yet: they are made (a database without them is
        // at base) before the check; from anywhere else they must be there already.
        if !expected.is_empty() {
            text.push_str(&expect);
        }
        if direction == Direction::Upgrade {
            text.push_str("\n-- The version table and the log.\n");
            text.push_str(&script::transaction(kind, &self.tables.create(kind))?);
        }
        let journaled = |s: &Step| !catalog.migration(s.revision).transactional;
        if kind == Database::Mysql || steps.iter().any(journaled) {
            // Made by the runner before its first journaled migration; a database an older
            // build migrated has none yet.
            text.push_str("\n-- The step journal.\n");
            for statement in self.tables.journal_ddl(kind, false) {
                text.push_str(&statement);
                text.push_str(";\n");
            }
        }
        let backfilled = |s: &Step| catalog.migration(s.revision).backfill(kind).is_some();
        if steps.iter().any(backfilled) {
            // A revision's job is cleared with its bookkeeping, as the runner clears it.
            text.push_str("\n-- The backfill jobs.\n");
            text.push_str(&self.tables.job_sql(kind).create());
            text.push_str(";\n");
        }
        if expected.is_empty() {
            text.push_str(&expect);
        }
        if whole {
            text.push_str("\n-- One transaction for the whole run.\n");
            text.push_str(&session.begin_run);
        }
        for step in &steps {
            text.push('\n');
            text.push_str(&self.step(catalog, step)?);
        }
        if whole {
            text.push_str(&session.commit_run);
        }
        text.push_str(&session.closing);
        Ok(OfflineScript {
            text,
            revisions: steps
                .iter()
                .map(|s| graph.node(s.revision).id.clone())
                .collect(),
        })
    }

    fn header(
        &self,
        direction: Direction,
        rows: &[usize],
        steps: &[Step],
        catalog: &Catalog,
    ) -> String {
        let graph = catalog.graph();
        let ids = |list: &[usize]| match list {
            [] => "<base>".to_string(),
            some => target::ids(graph, some),
        };
        let after = plan::rows_after(graph, rows, steps);
        let run_with = match self.database {
            Database::Postgres => "psql -v ON_ERROR_STOP=1 -f FILE",
            Database::Sqlite => "sqlite3 -bail DATABASE < FILE",
            Database::Mysql => "mariadb DATABASE < FILE (or mysql), which stops at the first error",
        };
        format!(
            "-- Offline {} script for {}: {} -> {}, {} migration(s); version table {}.\n\
             -- It expects the database at {}, as this program's migrations leave it.\n\
             -- Run it so that it stops at the first error: {run_with}.\n",
            direction.name(),
            self.database.name(),
            ids(rows),
            ids(&after),
            steps.len(),
            self.tables.version,
            ids(rows),
        )
    }

    /// One step: a comment naming it, then its statements and bookkeeping as the driver sends
    /// them.
    fn step(&self, catalog: &Catalog, step: &Step) -> Result<String> {
        let kind = self.database;
        let graph = catalog.graph();
        let migration = catalog.migration(step.revision);
        let statements = catalog.statements(step.revision, kind, step.direction)?;
        let names = |list: &[usize]| -> Vec<&str> {
            list.iter().map(|&i| graph.node(i).id.as_str()).collect()
        };
        let (delete_rows, insert_rows) = (names(&step.delete_rows), names(&step.insert_rows));
        let upgrade = step.direction == Direction::Upgrade;
        let record = upgrade.then(|| Record::of(catalog, step.revision, kind));
        let backfill = migration.backfill(kind).is_some();
        let bookkeeping = |elapsed| {
            let mut statements = bookkeeping::step_statements(
                kind,
                &self.tables,
                &delete_rows,
                &insert_rows,
                record.as_ref(),
                (!upgrade).then_some(migration.id.as_ref()),
                elapsed,
            );
            if backfill {
                statements.push(self.tables.job_sql(kind).delete(&migration.id));
            }
            statements
        };
        let work = Work {
            statements: &statements,
            bookkeeping: &bookkeeping,
            // A script cannot retry: its statements wait for locks as the session's settings say.
            lock_timeout: None,
            #[cfg(any(feature = "postgres", feature = "mysql"))]
            final_attempt: true,
            #[cfg(feature = "sqlite")]
            interrupt: None,
            #[cfg(any(feature = "postgres", feature = "sqlite"))]
            transaction: StepTransaction {
                transactional: migration.transactional,
                enclosed: self.transaction == Transaction::All,
            },
            #[cfg(feature = "postgres")]
            commit: Commit {
                durable: true,
                guard: None,
            },
            // The script records each statement in the step journal as the runner does, so
            // that a run continues where a script stopped.
            journal: (kind == Database::Mysql || !migration.transactional).then(|| Journaling {
                tables: &self.tables,
                revision: &migration.id,
                direction: step.direction,
                first: 0,
                who: "an offline script",
                #[cfg(feature = "mysql")]
                continued: false,
            }),
        };
        let parents = match names(graph.parents(step.revision)).as_slice() {
            [] => "<base>".to_string(),
            some => some.join(", "),
        };
        let arrow = match step.direction {
            Direction::Upgrade => format!("{parents} -> {}", migration.id),
            Direction::Downgrade => format!("{} -> {parents}", migration.id),
        };
        let none = if migration.transactional {
            ""
        } else {
            "; Transaction: none"
        };
        // A script runs no batches: the backfill is left to a runner, and says so.
        let left = match (backfill, upgrade) {
            (true, true) => format!(
                "-- Its backfill (table {}) is not in this script: it runs when a runner runs the backfills of this database.\n",
                migration.backfill(kind).map_or("", |b| &b.table)
            ),
            _ => String::new(),
        };
        Ok(format!(
            "-- {} {arrow}, {} (migrations/{}{none})\n{left}{}",
            step.direction.name(),
            migration.message,
            migration.file_name,
            script::step(kind, &work)?
        ))
    }
}

#[cfg(test)]
mod tests;
