//! `test`: the stairway in a throwaway database, a line per revision as it is done, then the
//! heads and the models; exit 1 on any failure. Must not import another command.

use crate::failure::{Failure, Outcome};
use crate::output::Printer;
use crate::output::documents::{self, StairwayTest};
use aurora_migrate::Catalog;
use aurora_migrate::interrupt::Interrupt;
use aurora_migrate::runner::Options;
use aurora_migrate::schema::model::Schema;
use aurora_migrate::stairway::{self, Problem, Stair};
use aurora_migrate::url::DatabaseUrl;

pub(crate) async fn test(
    catalog: &Catalog,
    models: Option<&Schema>,
    scratch: Option<&DatabaseUrl>,
    interrupt: &Interrupt,
    printer: &Printer,
) -> Outcome {
    let on = match scratch {
        Some(url) => format!("a throwaway database beside {url}"),
        None => "a temporary SQLite file".to_string(),
    };
    printer.note(&format!("testing {} migration(s) in {on}", catalog.len()));
    let mut on_stair = |stair: &Stair| printer.line(&stair_line(stair));
    let options = Options::default().with_interrupt(interrupt.clone());
    let found = stairway::stairway(catalog, scratch, models, options, &mut on_stair).await?;
    let mut problems = Vec::new();
    if found.heads.len() > 1 {
        problems.push(format!(
            "{} heads ({}): join them with `{} merge heads -m \"...\"`",
            found.heads.len(),
            found.heads.join(", "),
            printer.program()
        ));
    }
    match &found.models {
        Some(differences) if !differences.is_empty() => problems.push(format!(
            "the models differ from the schema at the head: {}",
            differences.join("; ")
        )),
        Some(_) => printer.line("models: they match the schema at the head"),
        None if models.is_none() => printer.line("models: not compared, this program has none"),
        None => {}
    }
    for problem in &problems {
        printer.line(problem);
    }
    printer.json(StairwayTest {
        command: "test".into(),
        database: found.database.name().to_string(),
        passed: found.passed(),
        revisions: found
            .stairs
            .iter()
            .map(|s| documents::Stair {
                revision: s.revision.clone(),
                ok: s.problem.is_none(),
                problem: s.problem.as_ref().map(problem_text),
            })
            .collect(),
        heads: found.heads.clone(),
        models: found.models.clone(),
        scratch: found.scratch.clone(),
    });
    let failed = found.stairs.iter().filter(|s| s.problem.is_some()).count();
    match found.passed() {
        true => {
            printer.line(&format!(
                "test passed: {} revision(s) up, down and up again on {}; one head",
                found.stairs.len(),
                found.database.name()
            ));
            Ok(())
        }
        false => Err(Failure::new(
            "test_failed",
            format!(
                "test failed: {failed} revision(s) do not hold, {} other problem(s)",
                problems.len()
            ),
        )),
    }
}

fn stair_line(stair: &Stair) -> String {
    match &stair.problem {
        None => format!("ok    {}: up, down, up", stair.revision),
        Some(problem) => format!("FAIL  {}: {}", stair.revision, problem_text(problem)),
    }
}

fn problem_text(problem: &Problem) -> String {
    match problem {
        Problem::Upgrade(message) => format!("its upgrade fails: {message}"),
        Problem::Downgrade(message) => format!("its downgrade fails: {message}"),
        Problem::NotReversed(left) => format!(
            "its downgrade does not leave the schema as it was before the upgrade; after the downgrade: {}",
            left.join("; ")
        ),
        Problem::Reupgrade(message) => format!(
            "after its downgrade its upgrade fails again (the downgrade leaves something behind): {message}"
        ),
    }
}
