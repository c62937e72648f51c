//! `repair`: shows what a decision about a migration that stands part-way would change, asks,
//! then makes it. Must not import another command but `migrate`'s confirmation.

use crate::args::{RepairArgs, RunDirection};
use crate::failure::Outcome;
use crate::output::Printer;
use crate::output::documents::{Repaired, RepairedStep};
use aurora_migrate::migrations::Direction;
use aurora_migrate::runner::{Repair, RepairAction, RepairPlan, Runner};

pub(crate) async fn repair(
    runner: &Runner<'_>,
    action: RepairAction,
    args: &RepairArgs,
    printer: &Printer,
) -> Outcome {
    let mut repair = Repair::new(&args.revision, action, &args.reason);
    if let Some(direction) = args.direction {
        repair = repair.with_direction(match direction {
            RunDirection::Upgrade => Direction::Upgrade,
            RunDirection::Downgrade => Direction::Downgrade,
        });
    }
    let plan = runner.repair_preview(&repair).await?;
    printer.note(&format!(
        "repair {} of {} of {} on {}, because: {}",
        action.name(),
        plan.direction,
        plan.revision,
        runner.describe(),
        args.reason
    ));
    for line in lines(&plan) {
        printer.note(&line);
    }
    if plan.changes.is_empty() {
        printer.line("nothing to change: the file is what ran");
        printer.json(document(&plan, &args.reason, false));
        return Ok(());
    }
    if args.dry_run {
        printer.line("dry run: nothing was changed");
        printer.json(document(&plan, &args.reason, false));
        return Ok(());
    }
    if !args.yes {
        super::migrate::confirm("repair")?;
    }
    let plan = runner.repair(&repair.with_expected(plan.changes)).await?;
    printer.line(&format!(
        "repaired {} of {}: the journal records it, and the audit keeps who and why",
        plan.direction, plan.revision
    ));
    printer.json(document(&plan, &args.reason, true));
    Ok(())
}

/// A line per statement whose row changes.
fn lines(plan: &RepairPlan) -> Vec<String> {
    plan.changes
        .iter()
        .map(|change| {
            let before = change.before.map_or("no row", |s| s.name());
            let text = format!(
                "  statement {} ({}): {before} -> {}",
                change.step + 1,
                change.location,
                change.after.name()
            );
            match change.rehashed {
                true => format!("{text}, tied to the statement as the file now has it"),
                false => text,
            }
        })
        .collect()
}

fn document(plan: &RepairPlan, reason: &str, applied: bool) -> Repaired {
    Repaired {
        revision: plan.revision.clone(),
        direction: plan.direction.name().to_string(),
        action: plan.action.name().to_string(),
        reason: reason.to_string(),
        applied,
        changes: plan
            .changes
            .iter()
            .map(|change| RepairedStep {
                step: change.step + 1,
                location: change.location.clone(),
                before: change.before.map(|s| s.name().to_string()),
                after: change.after.name().to_string(),
                rehashed: change.rehashed,
            })
            .collect(),
    }
}
