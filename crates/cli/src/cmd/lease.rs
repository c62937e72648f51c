//! `lease show` and `lease break`: who holds the lease lock, and freeing the lease of a runner
//! that is gone. Must not import another command.

use aurora_migrate::runner::Runner;

use crate::failure::{Failure, Outcome};
use crate::output::Printer;
use crate::output::documents::{self, LeaseBroken, LeaseShown};

pub(crate) async fn show(runner: &Runner<'_>, printer: &Printer) -> Outcome {
    let holder = runner.lease_holder().await?;
    let table = &runner.tables().version;
    match &holder {
        Some(holder) if holder.live => printer.line(&format!(
            "the migration lease on {table} is held by {holder}"
        )),
        Some(holder) => printer.line(&format!(
            "the migration lease on {table} has expired, and the next runner takes it over; it was held by {holder}"
        )),
        None => printer.line(&format!("the migration lease on {table} is free")),
    }
    printer.json(LeaseShown {
        table: table.to_string(),
        holder: holder.as_ref().map(documents::LeaseHolder::of),
    });
    Ok(())
}

pub(crate) async fn break_lease(runner: &Runner<'_>, force: bool, printer: &Printer) -> Outcome {
    let table = &runner.tables().version;
    let broken = runner.break_lease(force).await.map_err(Failure::from)?;
    match &broken {
        Some(holder) => printer.line(&format!(
            "broke the {}migration lease on {table}, held by {holder}; the next runner takes it with a new fencing \
             token, and its old holder finds it gone if it comes back",
            match holder.live {
                true => "",
                false => "expired ",
            }
        )),
        None => printer.line(&format!(
            "the migration lease on {table} is free: nothing to break"
        )),
    }
    printer.json(LeaseBroken {
        table: table.to_string(),
        broken: broken.as_ref().map(documents::LeaseHolder::of),
    });
    Ok(())
}
