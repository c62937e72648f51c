//! `graph` and `history --graph`: the revision graph drawn in lanes as `git log --graph`
//! draws commits, or written as DOT or Mermaid; with a database, its current, applied and
//! pending revisions marked. Must not import another command.

use crate::args::Format;
use crate::failure::Outcome;
use crate::output::Printer;
use crate::output::documents::{Graph, GraphLine, GraphRevision, RevisionState};
use crate::revision_text::{beyond_line, tags};
use aurora_migrate::Catalog;
use aurora_migrate::migrations::revision::picture::{self, State};
use aurora_migrate::runner::{Records, Runner};

/// `history --graph`: the lanes beside each revision, what the database holds beyond the
/// build first.
pub(crate) async fn history(runner: &Runner<'_>, printer: &Printer) -> Outcome {
    let status = runner.records().await?;
    for beyond in &status.beyond {
        printer.line(&beyond_line(beyond));
    }
    draw(runner.catalog(), Some(&status), Format::Text, printer);
    Ok(())
}

/// `graph`: marks only when a database was named (`status`).
pub(crate) fn graph(
    catalog: &Catalog,
    status: Option<&Records>,
    format: Format,
    printer: &Printer,
) -> Outcome {
    draw(catalog, status, format, printer);
    Ok(())
}

fn draw(catalog: &Catalog, status: Option<&Records>, format: Format, printer: &Printer) {
    let graph = catalog.graph();
    let state = |index: usize| {
        status.map(|status| match () {
            _ if status.current.contains(&index) => State::Current,
            _ if status.applied.set.contains(&index) => State::Applied,
            _ => State::Pending,
        })
    };
    let label = |index: usize| {
        let migration = catalog.migration(index);
        format!(
            "{}{}\n{}",
            migration.id,
            tags(graph, index, &[]),
            migration.message
        )
    };
    let lines = picture::lanes(graph, |index| State::symbol(state(index)));
    match format {
        Format::Dot => printer.line(picture::dot(graph, label, state).trim_end()),
        Format::Mermaid => printer.line(picture::mermaid(graph, label, state).trim_end()),
        Format::Text => {
            for line in &lines {
                let text = match line.node {
                    Some(index) => {
                        let migration = catalog.migration(index);
                        format!(
                            "{} {}{}, {}",
                            line.lanes,
                            migration.id,
                            tags(graph, index, &[]),
                            migration.message
                        )
                    }
                    None => line.lanes.clone(),
                };
                printer.line(&text);
            }
        }
        Format::Json => {}
    }
    let state_name = |index: usize| match state(index) {
        Some(State::Current) => Some(RevisionState::Current),
        Some(State::Applied) => Some(RevisionState::Applied),
        Some(State::Pending) => Some(RevisionState::Pending),
        None => None,
    };
    let texts = |list: &[std::borrow::Cow<'static, str>]| -> Vec<String> {
        list.iter().map(|text| text.to_string()).collect()
    };
    printer.json(Graph {
        lines: lines
            .iter()
            .map(|line| GraphLine {
                lanes: line.lanes.clone(),
                revision: line.node.map(|i| graph.node(i).id.clone()),
            })
            .collect(),
        revisions: picture::newest_first(graph)
            .into_iter()
            .map(|i| {
                let migration = catalog.migration(i);
                GraphRevision {
                    revision: graph.node(i).id.clone(),
                    message: migration.message.to_string(),
                    parents: texts(&migration.parents),
                    depends_on: texts(&migration.depends_on),
                    branch_labels: texts(&migration.branch_labels),
                    state: state_name(i),
                }
            })
            .collect(),
    });
}
