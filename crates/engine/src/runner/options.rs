//! Building [`Options`] from its defaults, one setting at a time, so that a new setting is
//! never a breaking change for the services that build them. Must not import a driver.

use std::time::Duration;

use super::{Backfills, Durability, Lock, LockRetries, Options, Transaction};
use crate::interrupt::Interrupt;

impl Options {
    /// The version table (`alembic_version`, or `schema.table`).
    pub fn with_version_table(mut self, name: impl Into<String>) -> Options {
        self.version_table = name.into();
        self
    }

    /// How long a connection may take.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Options {
        self.connect_timeout = timeout;
        self
    }

    /// Keep retrying the first connection this long while the server does not answer.
    pub fn with_wait(mut self, wait: Option<Duration>) -> Options {
        self.wait = wait;
        self
    }

    /// Give up waiting for another runner's lock after this long.
    pub fn with_lock_timeout(mut self, timeout: Option<Duration>) -> Options {
        self.lock_timeout = timeout;
        self
    }

    /// Stop when `interrupt` is raised: the migration in progress rolls back and the lock is
    /// released.
    pub fn with_interrupt(mut self, interrupt: Interrupt) -> Options {
        self.interrupt = Some(interrupt);
        self
    }

    /// Run again a statement the step journal left `started` whose effect no check can judge, and
    /// clear a dirty mark an older build left (MySQL), running that migration from its first
    /// statement.
    pub fn with_force(mut self, force: bool) -> Options {
        self.force = force;
        self
    }

    /// How the migrations of a run share transactions.
    pub fn with_transaction(mut self, transaction: Transaction) -> Options {
        self.transaction = transaction;
        self
    }

    /// Refuse a downgrade that reverts every applied revision or drops what holds rows.
    pub fn with_refuse_data_loss(mut self, refuse: bool) -> Options {
        self.refuse_data_loss = refuse;
        self
    }

    /// How long a migration's statements wait for a lock, and how often it is tried again.
    pub fn with_statement_locks(mut self, retries: LockRetries) -> Options {
        self.statement_locks = retries;
        self
    }

    /// Which lock serialises the runners of one version table.
    pub fn with_lock(mut self, lock: Lock) -> Options {
        self.lock = lock;
        self
    }

    /// When a step's commit waits for the disk.
    pub fn with_durability(mut self, durability: Durability) -> Options {
        self.durability = durability;
        self
    }

    /// At most this many transactional migrations in one message (PostgreSQL).
    pub fn with_pipeline(mut self, pipeline: usize) -> Options {
        self.pipeline = pipeline;
        self
    }

    /// When an upgrade runs the backfills of the revisions it applies.
    pub fn with_backfills(mut self, backfills: Backfills) -> Options {
        self.backfills = backfills;
        self
    }

    /// Run the remaining batches of a backfill a revision requires before it, instead of
    /// refusing the upgrade.
    pub fn with_run_backfills(mut self, run: bool) -> Options {
        self.run_backfills = run;
        self
    }

    /// How backfill jobs run (an empty lock timeout schedule takes the runner's).
    pub fn with_backfill_settings(mut self, settings: crate::backfill::Settings) -> Options {
        self.backfill = settings;
        self
    }
}
