//! `upgrade`, `downgrade`, `stamp`, `reset`: the commands that change the database. Each
//! step's line goes to stderr as it finishes (a spinner names it while it runs, on a terminal);
//! the summary is the result, on stdout. Must not import another command.

use std::io::{BufRead, IsTerminal, Write};

use crate::failure::{Failure, Outcome};
use crate::output::Printer;
use crate::output::documents::{Adopted, Run, Stamp, Step};
use crate::revision_text::stored_downgrade;
use aurora_migrate::Direction;
use aurora_migrate::migrations::revision::Target;
use aurora_migrate::runner::{Event, Runner, StepReport};

pub(crate) async fn upgrade(runner: &Runner<'_>, target: &str, printer: &Printer) -> Outcome {
    let target = Target::parse(target)?;
    let mut backfills = crate::output::backfill::Progress::new(printer);
    let run = runner
        .upgrade(&target, &mut |event| {
            backfills.event(event);
            progress(event, printer)
        })
        .await?;
    finish(&run.steps, &run.current, "upgrade", printer)
}

pub(crate) async fn downgrade(runner: &Runner<'_>, target: &str, printer: &Printer) -> Outcome {
    let target = Target::parse(target)?;
    let run = runner
        .downgrade(&target, &mut |event| progress(event, printer))
        .await
        .map_err(Failure::from)?;
    finish(&run.steps, &run.current, "downgrade", printer)
}

pub(crate) async fn stamp(
    runner: &Runner<'_>,
    target: &str,
    purge: bool,
    printer: &Printer,
) -> Outcome {
    let target = Target::parse(target)?;
    let rows = runner.stamp(&target, purge).await?;
    let shown = if rows.is_empty() {
        "base".to_string()
    } else {
        rows.join(", ")
    };
    printer.line(&format!("stamped {shown}"));
    printer.json(Stamp {
        command: "stamp".into(),
        current: rows,
    });
    Ok(())
}

pub(crate) async fn adopt_refinery(runner: &Runner<'_>, printer: &Printer) -> Outcome {
    let adopted = runner.adopt_refinery().await?;
    let last = adopted.revisions.last().map_or("base", String::as_str);
    printer.line(&format!(
        "adopted refinery's history: {} migration(s) recorded as applied, the database is at {last}",
        adopted.revisions.len()
    ));
    printer.json(Adopted {
        command: "adopt".into(),
        from: "refinery".into(),
        applied: adopted.revisions,
    });
    Ok(())
}

pub(crate) async fn reset(runner: &Runner<'_>, yes: bool, printer: &Printer) -> Outcome {
    let preview = runner.reset_preview().await?;
    let graph = runner.catalog().graph();
    let applied: Vec<&str> = preview
        .applied
        .iter()
        .map(|&i| graph.node(i).id.as_str())
        .collect();
    // Name the tables whose rows are at stake, not only the revisions.
    let holding = match preview.tables.as_slice() {
        [] => String::new(),
        names => format!(" (the database now holds the tables {})", names.join(", ")),
    };
    printer.note(&format!(
        "reset reverts {} applied migration(s) on {} ({}), dropping the data they manage{holding}, then applies all {} migration(s)",
        applied.len(),
        runner.describe(),
        if applied.is_empty() { "none".to_string() } else { applied.join(", ") },
        graph.len()
    ));
    if !yes {
        confirm("reset")?;
    }
    let run = runner.reset(&mut |event| progress(event, printer)).await?;
    finish(&run.steps, &run.current, "reset", printer)
}

/// Asks on a terminal; without one, refuses: `--yes` must say it.
pub(crate) fn confirm(command: &str) -> Outcome {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(
            "confirmation_required",
            format!("{command} needs confirmation: run it on a terminal, or pass --yes"),
        ));
    }
    eprint!("Type 'yes' to continue: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if answer.trim() == "yes" {
        Ok(())
    } else {
        Err(Failure::new(
            "cancelled",
            format!("{command} cancelled; nothing was changed"),
        ))
    }
}

/// A spinner names the step while it runs; its line, with the time, replaces it when done:
/// `upgrade cec3a80e61a4 -> 3f2a9c1b7d4e, message (4 ms)`.
fn progress(event: Event<'_>, printer: &Printer) {
    match event {
        Event::Started {
            revision,
            message,
            parents,
            direction,
        } => printer.step_started(&format!(
            "{}, {message} ...",
            step_text(revision, parents, direction)
        )),
        Event::LockRetry {
            revision,
            attempt,
            waited,
            next,
            pause,
            message,
        } => printer.note(&format!(
            "{revision} waited {} for a lock ({message}); rolled back, attempt {attempt} in {} with a {} lock timeout",
            humantime::format_duration(waited),
            humantime::format_duration(pause),
            humantime::format_duration(next)
        )),
        Event::StoredDowngrade {
            revision,
            statements,
        } => {
            // Said even with -q: this SQL is not the program's own.
            printer.announce(&stored_downgrade(revision, statements));
        }
        Event::Finished(step) => printer.step_finished(&format!(
            "{}, {} ({})",
            step_text(&step.revision, &step.parents, step.direction),
            step.message,
            elapsed(step)
        )),
        _ => {}
    }
}

/// `upgrade PARENTS -> REV` or `downgrade REV -> PARENTS`.
fn step_text(revision: &str, parents: &[String], direction: Direction) -> String {
    let parents = match parents {
        [] => "<base>".to_string(),
        some => some.join(", "),
    };
    match direction {
        Direction::Upgrade => format!("upgrade {parents} -> {revision}"),
        Direction::Downgrade => format!("downgrade {revision} -> {parents}"),
    }
}

fn elapsed(step: &StepReport) -> String {
    let ms = step.elapsed.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

/// Milliseconds rounded to hundredths, as JSON carries them.
pub(crate) fn rounded_ms(duration: std::time::Duration) -> f64 {
    (duration.as_secs_f64() * 100_000.0).round() / 100.0
}

fn finish(steps: &[StepReport], current: &[String], command: &str, printer: &Printer) -> Outcome {
    let shown = if current.is_empty() {
        "base".to_string()
    } else {
        current.join(", ")
    };
    if steps.is_empty() {
        printer.line(&format!("nothing to do; the database is at {shown}"));
    } else {
        printer.line(&format!(
            "{command}: {} step(s); the database is at {shown}",
            steps.len()
        ));
    }
    printer.json(Run {
        command: command.to_string(),
        steps: steps
            .iter()
            .map(|s| Step {
                revision: s.revision.clone(),
                message: s.message.clone(),
                direction: s.direction.into(),
                elapsed_ms: rounded_ms(s.elapsed),
                lock_retries: s.retries,
            })
            .collect(),
        current: current.to_vec(),
    });
    Ok(())
}
