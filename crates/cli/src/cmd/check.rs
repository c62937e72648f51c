//! `check`: exit 0 only when the version table is consistent with the graph, the database is
//! at every embedded head, every applied checksum was recorded and matches, and the models
//! (when the program has them) agree with the schema. The engine finds; this prints.
//! Must not import another command.

use crate::failure::{Failure, Outcome};
use crate::output::{Printer, documents};
use crate::revision_text::{ids, logged_not_applied};
use aurora_migrate::autogenerate::{self, Check, Models};
use aurora_migrate::runner::Runner;
use aurora_migrate::schema::model::Schema;

/// With `lint`, every migration is linted for the database's dialect too, and an
/// error-level finding is a problem.
pub(crate) async fn check(
    runner: &Runner<'_>,
    models: Option<&Schema>,
    lint: bool,
    printer: &Printer,
) -> Outcome {
    let found = autogenerate::check(runner, models).await?;
    let mut problems = problems(runner, &found, printer);
    if lint {
        let (summary, errors) = lint_findings(runner)?;
        printer.note(&summary);
        problems.extend(errors);
    }
    let standing = &found.standing;
    let verified = standing.applied.len() - standing.unrecorded.len();
    let compared = !matches!(found.models, Models::NotGiven);
    printer.not_compared(&found.not_compared);
    printer.json(documents::Check {
        ok: problems.is_empty(),
        problems: problems.clone(),
        checksums_verified: verified,
        models_compared: compared,
        not_compared: found.not_compared.clone(),
    });
    if problems.is_empty() {
        let graph = runner.catalog().graph();
        let at = match standing.current.as_slice() {
            [] => "base".to_string(),
            current => ids(graph, current),
        };
        let models = match found.models {
            Models::NotGiven => "models were not compared: this program has none",
            _ => "the models match the database",
        };
        printer.line(&format!(
            "up to date: at {at}; {verified} checksum(s) verified; {models}"
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

/// Every migration linted for the database's dialect: the summary, and the error-level
/// findings not allowed, one line each.
fn lint_findings(runner: &Runner<'_>) -> Result<(String, Vec<String>), Failure> {
    let report = aurora_migrate::lint::lint_catalog(
        runner.catalog(),
        &aurora_migrate::lint::Selection::All,
        &[runner.kind()],
        None,
    )?;
    let errors = report
        .entries
        .iter()
        .map(|e| &e.finding)
        .filter(|f| f.severity == aurora_migrate::lint::Severity::Error && f.suppressed.is_none())
        .map(|f| {
            format!(
                "lint {} {} at {}:{} ({}): {}; instead: {}",
                f.rule.code, f.rule.name, f.file, f.line, f.revision, f.why, f.instead
            )
        })
        .collect();
    Ok((
        super::lint::summary(&report, &[runner.kind().name()]),
        errors,
    ))
}

/// The error-level lint findings alone, for a fleet's check.
pub(crate) fn lint_errors(runner: &Runner<'_>) -> Result<Vec<String>, Failure> {
    lint_findings(runner).map(|(_, errors)| errors)
}

/// What `check` found, one line a problem, as a person reads it.
pub(crate) fn problems(runner: &Runner<'_>, found: &Check, printer: &Printer) -> Vec<String> {
    let program = printer.program();
    let catalog = runner.catalog();
    let graph = catalog.graph();
    let standing = &found.standing;
    let mut problems: Vec<String> = standing
        .inconsistencies
        .iter()
        .map(|i| format!("{i}; record where the database really is with `{program} stamp REV`"))
        .collect();
    if let Some(mark) = standing.dirty.first() {
        let dirty = aurora_migrate::Error::Dirty {
            revision: mark.revision.clone(),
            direction: mark.direction,
            statement: mark.failed_statement.clone(),
            message: mark.message.clone(),
        };
        problems.push(printer.describe(&dirty));
    }
    for unfinished in &standing.unfinished {
        problems.push(crate::output::documents::UnfinishedStep::of(unfinished).line());
    }
    if !standing.logged_not_applied.is_empty() {
        problems.push(logged_not_applied(
            graph,
            &standing.logged_not_applied,
            program,
        ));
    }
    for unknown in &standing.unknown {
        problems.push(format!(
            "the database is at {unknown}, which this build does not contain"
        ));
    }
    if !standing.pending.is_empty() {
        problems.push(format!(
            "{} migration(s) not applied: {}; run `{program} upgrade heads`",
            standing.pending.len(),
            ids(graph, &standing.pending)
        ));
    }
    for (index, recorded) in &standing.changed {
        let migration = catalog.migration(*index);
        problems.push(format!(
            "revision {} (migrations/{}) changed after it was applied: recorded checksum {recorded}, embedded {}",
            migration.id, migration.file_name, migration.checksum
        ));
    }
    if !standing.unrecorded.is_empty() {
        problems.push(format!(
            "{} applied revision(s) have no recorded checksum ({}), so nothing proves their files are the ones applied \
             (the log table {} is missing or lacks them: another tool applied them, or it was dropped); if the schema \
             matches these files, the next `{program} upgrade` records their checksums (as `{program} stamp {}` does)",
            standing.unrecorded.len(),
            ids(graph, &standing.unrecorded),
            runner.tables().log,
            match standing.current.as_slice() {
                [] => "REV".to_string(),
                current => ids(graph, current).replace(", ", " "),
            }
        ));
    }
    if let Models::Differ(differences) = &found.models {
        problems.extend(differences.iter().map(|line| format!("models: {line}")));
    }
    problems
}
