//! `status`: what is applied and pending, and whether the database is behind, at the heads or
//! ahead; exit 0 only at the heads, for readiness probes and deploy scripts.
//! Must not import another command.

use crate::failure::{Failure, Outcome};
use crate::output::Printer;
use crate::output::documents::{BackfillJob, BeyondStatus, Status, UnfinishedStep};
use crate::revision_text::{ids, logged_not_applied};
use aurora_migrate::runner::Runner;
use aurora_migrate::runner::State;

pub(crate) async fn status(runner: &Runner<'_>, printer: &Printer) -> Outcome {
    let standing = runner.standing().await?;
    let catalog = runner.catalog();
    let graph = catalog.graph();
    let list = |indices: &[usize]| match indices {
        [] => "none".to_string(),
        some => ids(graph, some),
    };
    let state = standing.state();
    let summary = match state {
        State::AtHeads => format!("at the heads ({})", list(&standing.current)),
        State::Behind => format!("behind: {} migration(s) pending", standing.pending.len()),
        State::AheadCompatible => format!(
            "ahead, compatible: the database holds {} revision(s) this build does not contain ({}), each declared `Compatibility: expand`",
            standing.beyond.len(),
            beyond_ids(&standing)
        ),
        State::AheadIncompatible => format!(
            "ahead, incompatible: the database holds {} revision(s) this build does not contain ({}); not declared `Compatibility: expand`: {}",
            standing.beyond.len(),
            beyond_ids(&standing),
            standing.incompatible().join(", ")
        ),
        State::Diverged => format!(
            "diverged: the database holds revisions this build does not know ({}) and lacks {} of its own",
            standing.unknown.join(", "),
            standing.pending.len()
        ),
        State::Changed => format!(
            "changed: applied migration(s) {} changed since they were applied",
            ids(
                graph,
                &standing.changed.iter().map(|(i, _)| *i).collect::<Vec<_>>()
            )
        ),
        State::LoggedNotApplied => {
            logged_not_applied(graph, &standing.logged_not_applied, printer.program())
        }
        State::Dirty => format!(
            "dirty: {} did not finish",
            standing
                .dirty
                .iter()
                .map(|m| m.revision.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        State::Unfinished => format!(
            "unfinished: {} stopped part-way; the next run continues it (`{} current` names the statement)",
            standing
                .unfinished
                .iter()
                .map(|u| u.revision.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            printer.program()
        ),
        State::Inconsistent => standing
            .inconsistencies
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join("; "),
    };
    printer.line(&format!("database: {}", runner.describe()));
    printer.line(&format!(
        "applied: {} of {} ({})",
        standing.applied.len(),
        graph.len(),
        list(&standing.applied)
    ));
    printer.line(&format!("pending: {}", list(&standing.pending)));
    if !standing.unrecorded.is_empty() {
        printer.line(&format!(
            "without a recorded checksum: {}",
            list(&standing.unrecorded)
        ));
    }
    let unfinished: Vec<UnfinishedStep> =
        standing.unfinished.iter().map(UnfinishedStep::of).collect();
    for step in &unfinished {
        printer.line(&step.line());
    }
    for job in &standing.backfills {
        printer.line(&crate::output::backfill::line(job));
    }
    printer.line(&format!("state: {summary}"));
    let names = |indices: &[usize]| -> Vec<String> {
        indices.iter().map(|&i| graph.node(i).id.clone()).collect()
    };
    printer.json(Status {
        state: state.name().to_string(),
        ready: standing.is_ready(),
        current: names(&standing.current),
        applied: names(&standing.applied),
        pending: names(&standing.pending),
        unknown: standing.unknown.clone(),
        beyond: standing
            .beyond
            .iter()
            .map(|b| BeyondStatus {
                revision: b.id.clone(),
                message: b.record.as_ref().map(|r| r.message.clone()),
                compatibility: b
                    .record
                    .as_ref()
                    .map(|r| r.compatibility.name().to_string()),
                revertible: b.record.as_ref().is_some_and(|r| r.downgrade.is_some()),
            })
            .collect(),
        changed: standing
            .changed
            .iter()
            .map(|(i, _)| graph.node(*i).id.clone())
            .collect(),
        unrecorded: names(&standing.unrecorded),
        dirty: standing.dirty.iter().map(|m| m.revision.clone()).collect(),
        unfinished,
        inconsistencies: standing
            .inconsistencies
            .iter()
            .map(|i| i.to_string())
            .collect(),
        logged_not_applied: names(&standing.logged_not_applied),
        backfills: standing.backfills.iter().map(BackfillJob::of).collect(),
    });
    match state {
        State::AtHeads | State::AheadCompatible => Ok(()),
        _ => Err(Failure::new(
            "not_at_heads",
            format!("the database is not at the heads: {summary}"),
        )),
    }
}

fn beyond_ids(standing: &aurora_migrate::runner::Standing) -> String {
    standing
        .beyond
        .iter()
        .map(|b| b.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
