//! `current`, `history`, `heads`, `branches`, `show`, `check`: commands that only read.

use super::super::output::{revision_block, revision_json, revision_line};
use super::super::{Failure, Outcome, Printer};
use crate::migration::Catalog;
use crate::revision::{range, target};
use crate::runner::Runner;
use crate::schema::model::Schema;

pub async fn current(runner: &Runner<'_>, printer: &Printer) -> Outcome {
    let status = runner.status().await?;
    let catalog = runner.catalog();
    if printer.verbose() {
        printer.line(&format!("Current revision(s) for {}:", runner.url()));
    }
    for &index in &status.current {
        let text = if printer.verbose() {
            let mut block = revision_block(catalog, index, &[]);
            if let Some(entry) = status.log.get(&catalog.migration(index).id) {
                block.push_str(&format!("\n    Applied at: {}", entry.applied_at));
            }
            block
        } else {
            format!(
                "{}{}",
                catalog.migration(index).id,
                super::super::output::tags(catalog.graph(), index, &[])
            )
        };
        printer.line(&text);
    }
    for unknown in &status.unknown {
        printer.line(&format!("{unknown} (unknown to this build)"));
    }
    for mark in &status.dirty {
        printer.line(&format!(
            "{} (dirty: its {} did not finish; `check` says how to resolve it)",
            mark.revision, mark.direction
        ));
    }
    if status.current.is_empty() && status.unknown.is_empty() && printer.verbose() {
        printer.line("no revision applied");
    }
    printer.json(serde_json::json!({
        "current": status.current.iter().map(|&i| revision_json(catalog, i)).collect::<Vec<_>>(),
        "unknown": status.unknown,
        "dirty": status.dirty.iter().map(|m| serde_json::json!({ "revision": m.revision, "direction": m.direction })).collect::<Vec<_>>(),
    }));
    Ok(())
}

pub async fn history(runner: &Runner<'_>, range_text: Option<&str>, printer: &Printer) -> Outcome {
    let status = runner.status().await?;
    let catalog = runner.catalog();
    let list = range::resolve(catalog.graph(), range_text, &status.current)?;
    let mut json = Vec::new();
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
        let mut value = revision_json(catalog, index);
        value["applied"] = applied.into();
        value["current"] = status.current.contains(&index).into();
        json.push(value);
    }
    printer.json(serde_json::Value::Array(json));
    Ok(())
}

pub fn heads(catalog: &Catalog, printer: &Printer) -> Outcome {
    let heads = catalog.graph().heads();
    for &index in &heads {
        if printer.verbose() {
            printer.line(&revision_block(catalog, index, &[]));
        } else {
            printer.line(&format!(
                "{}{}",
                catalog.migration(index).id,
                super::super::output::tags(catalog.graph(), index, &[])
            ));
        }
    }
    printer.json(serde_json::Value::Array(
        heads.iter().map(|&i| revision_json(catalog, i)).collect(),
    ));
    Ok(())
}

pub fn branches(catalog: &Catalog, printer: &Printer) -> Outcome {
    let graph = catalog.graph();
    let points = graph.branch_points();
    for &point in &points {
        printer.line(&format!(
            "{}{}, {}",
            catalog.migration(point).id,
            super::super::output::tags(graph, point, &[]),
            catalog.migration(point).message
        ));
        let pad = " ".repeat(catalog.migration(point).id.len());
        for &child in graph.children(point) {
            printer.line(&format!(
                "{pad} -> {}{}, {}",
                graph.node(child).id,
                super::super::output::tags(graph, child, &[]),
                catalog.migration(child).message
            ));
        }
    }
    printer.json(serde_json::Value::Array(
        points
            .iter()
            .map(|&p| {
                let mut value = revision_json(catalog, p);
                value["children"] = graph
                    .children(p)
                    .iter()
                    .map(|&c| graph.node(c).id.clone())
                    .collect::<Vec<_>>()
                    .into();
                value
            })
            .collect(),
    ));
    Ok(())
}

pub fn show(catalog: &Catalog, rev: &str, printer: &Printer) -> Outcome {
    let graph = catalog.graph();
    let indices = match target::resolve(graph, &target::Target::parse(rev)?, &[])? {
        target::Destination::Revisions(list) => list,
        target::Destination::Below(index) => vec![index],
        target::Destination::Base => {
            return Err(Failure::from("`base` is not a revision; name one"));
        }
    };
    for &index in &indices {
        printer.line(&revision_block(catalog, index, &[]));
    }
    printer.json(serde_json::Value::Array(
        indices.iter().map(|&i| revision_json(catalog, i)).collect(),
    ));
    Ok(())
}

/// Exit 0 only when the database is at every embedded head and every checksum matches.
pub async fn check(runner: &Runner<'_>, models: &Schema, printer: &Printer) -> Outcome {
    let status = runner.status().await?;
    let catalog = runner.catalog();
    let graph = catalog.graph();
    let mut problems = Vec::new();
    if let Err(dirty @ crate::Error::Dirty { .. }) = status.verify(catalog) {
        problems.push(dirty.to_string());
    }
    for unknown in &status.unknown {
        problems.push(format!(
            "the database is at {unknown}, which this build does not contain"
        ));
    }
    let pending = graph.ordered((0..graph.len()).filter(|i| !status.applied.set.contains(i)));
    if !pending.is_empty() {
        problems.push(format!(
            "{} migration(s) not applied: {}; run `aurora-migrate upgrade heads`",
            pending.len(),
            super::super::output::ids(graph, &pending)
        ));
    }
    for (index, recorded) in status.mismatches(catalog) {
        let migration = catalog.migration(index);
        problems.push(format!(
            "revision {} (migrations/{}) changed after it was applied: recorded checksum {recorded}, embedded {}",
            migration.id,
            migration.file_name,
            migration.checksum()
        ));
    }
    if problems.is_empty() {
        let comparison = crate::schema::autogenerate::compare_schema(runner, models).await?;
        problems.extend(
            comparison
                .descriptions()
                .into_iter()
                .map(|line| format!("models: {line}")),
        );
    }
    let verified = status
        .applied
        .set
        .iter()
        .filter(|&&i| status.log.contains_key(&catalog.migration(i).id))
        .count();
    printer.json(serde_json::json!({ "ok": problems.is_empty(), "problems": problems, "checksums_verified": verified }));
    if problems.is_empty() {
        let heads = super::super::output::ids(graph, &status.current);
        printer.line(&format!(
            "up to date: at {}; {verified} checksum(s) verified; the models match the database",
            if heads.is_empty() {
                "base".into()
            } else {
                heads
            },
        ));
        return Ok(());
    }
    for problem in &problems {
        printer.line(problem);
    }
    Err(Failure {
        message: format!("check failed: {} problem(s)", problems.len()),
        code: 1,
    })
}
