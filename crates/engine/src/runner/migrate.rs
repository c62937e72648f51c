//! `upgrade` and `downgrade`: resolve the target against what is applied, plan, judge the plan
//! (one transaction for the whole run, the data-loss guard), apply it, and say where the
//! database is left. Must not import autogenerate.

use super::{Event, Run, Runner, Status, Transaction};
use crate::error::{Error, Result};
use aurora_migrate_core::Database;
use aurora_migrate_core::Direction;
use aurora_migrate_core::revision::target::{self, Target};
use aurora_migrate_core::revision::{Step, plan};

impl Runner<'_> {
    /// Applies what `target` needs, reporting each step as it starts and ends.
    pub async fn upgrade(
        &self,
        target: &Target,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Run> {
        self.migrate(target, Direction::Upgrade, on_event).await
    }

    /// Reverts down to `target`, reporting each step as it starts and ends.
    pub async fn downgrade(
        &self,
        target: &Target,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Run> {
        self.migrate(target, Direction::Downgrade, on_event).await
    }

    async fn migrate(
        &self,
        target: &Target,
        direction: Direction,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Run> {
        let whole = self.options.transaction == Transaction::All;
        if whole && self.kind() == Database::Mysql {
            return Err(Error::WholeRunOnMysql);
        }
        let (mut connection, status) = self.begin().await?;
        let result = async {
            status.verify(self.catalog)?;
            let graph = self.catalog.graph();
            let destination = target::resolve(graph, target, &status.current)?;
            let steps = match direction {
                Direction::Upgrade => plan::upgrade(graph, &status.applied, &destination)?,
                Direction::Downgrade => plan::downgrade(graph, &status.applied, &destination)?,
            };
            if whole {
                self.refuse_untransactional(&steps)?;
            }
            if direction == Direction::Downgrade && self.options.refuse_data_loss {
                self.refuse_data_loss(&mut connection, &status, &steps)
                    .await?;
            }
            let reports = self
                .apply(&mut connection, &status, &steps, on_event)
                .await?;
            Ok(Run {
                steps: reports,
                current: self.rows_after(&status, &steps),
            })
        }
        .await;
        self.finish(connection, result).await
    }

    /// `--transaction all` cannot hold a migration that runs outside any transaction.
    fn refuse_untransactional(&self, steps: &[Step]) -> Result<()> {
        match steps
            .iter()
            .map(|step| self.catalog.migration(step.revision))
            .find(|migration| !migration.transactional)
        {
            Some(migration) => Err(Error::WholeRunWithoutTransaction {
                revision: migration.id.to_string(),
                file: migration.file_name.to_string(),
            }),
            None => Ok(()),
        }
    }

    fn rows_after(&self, status: &Status, steps: &[Step]) -> Vec<String> {
        let graph = self.catalog.graph();
        let mut applied = status.applied.clone();
        for step in steps {
            match step.direction {
                Direction::Upgrade => applied.set.insert(step.revision),
                Direction::Downgrade => applied.set.remove(&step.revision),
            };
        }
        applied
            .rows(graph)
            .iter()
            .map(|&r| graph.node(r).id.clone())
            .collect()
    }
}
