//! `current`, `history`, `heads`, `branches`, `show`: commands that only read.
//! Must not import another command.

use crate::failure::{Failure, Outcome};
use crate::output::Printer;
use crate::output::documents::{
    BeyondRevision, BranchPoint, Branches, Current, DirtyRevision, History, HistoryEntry,
    HistoryRevision, Revision, Revisions, UnfinishedStep,
};
use crate::revision_text::{beyond_line, revision_block, revision_line, tags};
use aurora_migrate::Catalog;
use aurora_migrate::migrations::revision::{range, target};
use aurora_migrate::runner::Runner;

pub(crate) async fn current(runner: &Runner<'_>, printer: &Printer) -> Outcome {
    let status = runner.records().await?;
    let catalog = runner.catalog();
    if printer.verbose() {
        printer.line(&format!("Current revision(s) for {}:", runner.describe()));
    }
    for &index in &status.current {
        let text = if printer.verbose() {
            let mut block = revision_block(catalog, index, &[]);
            if let Some(entry) = status.log.get(catalog.migration(index).id.as_ref()) {
                block.push_str(&format!("\n    Applied at: {}", entry.applied_at));
            }
            block
        } else {
            format!(
                "{}{}",
                catalog.migration(index).id,
                tags(catalog.graph(), index, &[])
            )
        };
        printer.line(&text);
    }
    for beyond in status
        .beyond
        .iter()
        .filter(|b| status.unknown.contains(&b.id))
    {
        printer.line(&beyond_line(beyond));
    }
    for mark in &status.dirty {
        printer.line(&format!(
            "{} (dirty: its {} did not finish; `{} check` says how to resolve it)",
            mark.revision,
            mark.direction,
            printer.program()
        ));
    }
    let unfinished: Vec<UnfinishedStep> = runner
        .unfinished(&status)
        .await?
        .iter()
        .map(UnfinishedStep::of)
        .collect();
    for step in &unfinished {
        printer.line(&step.line());
    }
    if status.current.is_empty() && status.unknown.is_empty() && printer.verbose() {
        printer.line("no revision applied");
    }
    printer.json(Current {
        current: status
            .current
            .iter()
            .map(|&i| Revision::of(catalog, i))
            .collect(),
        unknown: status.unknown.clone(),
        beyond: status
            .beyond
            .iter()
            .filter(|b| status.unknown.contains(&b.id))
            .map(BeyondRevision::of)
            .collect(),
        dirty: status
            .dirty
            .iter()
            .map(|m| DirtyRevision {
                revision: m.revision.clone(),
                direction: m.direction.name().to_string(),
            })
            .collect(),
        unfinished,
    });
    Ok(())
}

pub(crate) async fn history(
    runner: &Runner<'_>,
    range_text: Option<&str>,
    printer: &Printer,
) -> Outcome {
    let status = runner.records().await?;
    let catalog = runner.catalog();
    let list = range::resolve(catalog.graph(), range_text, &status.current)?;
    let mut revisions = Vec::new();
    // What the database holds beyond the build comes first, newest first, as it sits above
    // the build's heads; a range that names revisions of the build leaves it out.
    if range_text.is_none() {
        for beyond in &status.beyond {
            printer.line(&beyond_line(beyond));
            revisions.push(HistoryEntry::Beyond(BeyondRevision::of(beyond)));
        }
    }
    for index in list {
        let applied = status.applied.set.contains(&index);
        let mut tags = Vec::new();
        if status.current.contains(&index) {
            tags.push("current");
        }
        if !applied {
            tags.push("pending");
        }
        if printer.verbose() {
            printer.line(&format!("{}\n", revision_block(catalog, index, &tags)));
        } else {
            printer.line(&revision_line(catalog, index, &tags));
        }
        revisions.push(HistoryEntry::Build(HistoryRevision {
            revision: Revision::of(catalog, index),
            applied,
            current: status.current.contains(&index),
        }));
    }
    // A squash whose replaced files are still here stands beside the chain: say what it is.
    let mut squashes = Vec::new();
    if let Some(view) = catalog.squashed() {
        for (index, squash) in view.migrations().iter().enumerate() {
            if let [first, .., last] = squash.replaces.as_ref() {
                printer.line(&format!(
                    "{} (squash) replaces {} revisions, {first} to {last}: a fresh database runs it instead, {}",
                    squash.id,
                    squash.replaces.len(),
                    squash.message
                ));
                squashes.push(Revision::of(view, index));
            }
        }
    }
    printer.json(History {
        revisions,
        squashes,
    });
    Ok(())
}

pub(crate) fn heads(catalog: &Catalog, printer: &Printer) -> Outcome {
    super::author::note_disk_difference(catalog, None, printer);
    let heads = catalog.graph().heads();
    for &index in &heads {
        if printer.verbose() {
            printer.line(&revision_block(catalog, index, &[]));
        } else {
            printer.line(&format!(
                "{}{}",
                catalog.migration(index).id,
                tags(catalog.graph(), index, &[])
            ));
        }
    }
    printer.json(Revisions(
        heads.iter().map(|&i| Revision::of(catalog, i)).collect(),
    ));
    Ok(())
}

pub(crate) fn branches(catalog: &Catalog, printer: &Printer) -> Outcome {
    let graph = catalog.graph();
    let points = graph.branch_points();
    for &point in &points {
        printer.line(&format!(
            "{}{}, {}",
            catalog.migration(point).id,
            tags(graph, point, &[]),
            catalog.migration(point).message
        ));
        let pad = " ".repeat(catalog.migration(point).id.len());
        for &child in graph.children(point) {
            printer.line(&format!(
                "{pad} -> {}{}, {}",
                graph.node(child).id,
                tags(graph, child, &[]),
                catalog.migration(child).message
            ));
        }
    }
    printer.json(Branches(
        points
            .iter()
            .map(|&p| BranchPoint {
                revision: Revision::of(catalog, p),
                children: graph
                    .children(p)
                    .iter()
                    .map(|&c| graph.node(c).id.clone())
                    .collect(),
            })
            .collect(),
    ));
    Ok(())
}

pub(crate) fn show(catalog: &Catalog, rev: &str, printer: &Printer) -> Outcome {
    // A squash beside the chain it replaces is shown from the view that has it.
    let catalog = match (catalog.squashed(), target::lookup(catalog.graph(), rev)) {
        (Some(view), Err(_)) if target::lookup(view.graph(), rev).is_ok() => view,
        _ => catalog,
    };
    let graph = catalog.graph();
    let indices = match target::resolve(graph, &target::Target::parse(rev)?, &[])? {
        target::Destination::Revisions(list) => list,
        target::Destination::Below(list) => list,
        target::Destination::Base => {
            return Err(Failure::new("target", "`base` is not a revision; name one"));
        }
    };
    for &index in &indices {
        printer.line(&revision_block(catalog, index, &[]));
    }
    printer.json(Revisions(
        indices.iter().map(|&i| Revision::of(catalog, i)).collect(),
    ));
    Ok(())
}
