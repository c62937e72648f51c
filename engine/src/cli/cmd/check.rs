//! `check`: exit 0 only when the version table is consistent with the graph, the database is
//! at every embedded head, every applied checksum was recorded and matches, and the models
//! agree with the schema.

use super::super::revision_text::ids;
use super::super::{Failure, Outcome, Printer};
use crate::runner::Runner;
use crate::runner::standing::Standing;
use crate::schema::model::Schema;

pub async fn check(runner: &Runner<'_>, models: &Schema, printer: &Printer) -> Outcome {
    let status = runner.status().await?;
    let catalog = runner.catalog();
    let graph = catalog.graph();
    let standing = Standing::of(catalog, &status);
    let mut problems: Vec<String> = standing
        .inconsistencies
        .iter()
        .map(|i| {
            format!("{i}; record where the database really is with `aurora-migrate stamp REV`")
        })
        .collect();
    if let Err(dirty @ crate::Error::Dirty { .. }) = status.verify(catalog) {
        problems.push(dirty.to_string());
    }
    for unknown in &standing.unknown {
        problems.push(format!(
            "the database is at {unknown}, which this build does not contain"
        ));
    }
    if !standing.pending.is_empty() {
        problems.push(format!(
            "{} migration(s) not applied: {}; run `aurora-migrate upgrade heads`",
            standing.pending.len(),
            ids(graph, &standing.pending)
        ));
    }
    for (index, recorded) in &standing.changed {
        let migration = catalog.migration(*index);
        problems.push(format!(
            "revision {} (migrations/{}) changed after it was applied: recorded checksum {recorded}, embedded {}",
            migration.id,
            migration.file_name,
            migration.checksum()
        ));
    }
    if !standing.unrecorded.is_empty() {
        problems.push(format!(
            "{} applied revision(s) have no recorded checksum ({}), so nothing proves their files are the ones applied \
             (the log table {} is missing or lacks them: another tool applied them, or it was dropped); if the schema \
             matches these files, record their checksums with `aurora-migrate stamp {}`",
            standing.unrecorded.len(),
            ids(graph, &standing.unrecorded),
            runner.tables().log,
            match standing.current.as_slice() {
                [] => "REV".to_string(),
                current => ids(graph, current).replace(", ", " "),
            }
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
    let verified = standing.applied.len() - standing.unrecorded.len();
    printer.json(serde_json::json!({ "ok": problems.is_empty(), "problems": problems, "checksums_verified": verified }));
    if problems.is_empty() {
        let heads = ids(graph, &standing.current);
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
    Err(Failure::new(
        "check_failed",
        format!("check failed: {} problem(s)", problems.len()),
    ))
}
