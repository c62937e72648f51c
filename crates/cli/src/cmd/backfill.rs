//! `backfill run | pause | resume | cancel | status`: a revision's backfill job, beside the
//! services. A progress bar on a terminal while a job runs, a line per pause and retry.
//! Must not import another command.

use crate::args::{BackfillCommand, BackfillRunArgs};
use crate::failure::Outcome;
use crate::output::Printer;
use crate::output::backfill::{Progress, line};
use crate::output::documents::{BackfillJob, Backfills};
use aurora_migrate::backfill::{Job, JobState, Sizing};
use aurora_migrate::runner::Runner;

pub(crate) async fn backfill(
    runner: &Runner<'_>,
    command: &BackfillCommand,
    printer: &Printer,
) -> Outcome {
    let jobs = match command {
        BackfillCommand::Status(_) => runner.backfills().await?,
        BackfillCommand::Run(args) => run(runner, args, printer).await?,
        BackfillCommand::Pause(args) => vec![
            runner
                .set_backfill(&args.revision, JobState::Paused, args.reason.as_deref())
                .await?,
        ],
        BackfillCommand::Cancel(args) => vec![
            runner
                .set_backfill(&args.revision, JobState::Cancelled, args.reason.as_deref())
                .await?,
        ],
        BackfillCommand::Resume(args) => {
            vec![
                runner
                    .set_backfill(&args.revision, JobState::Running, None)
                    .await?,
            ]
        }
    };
    if jobs.is_empty() {
        printer.line("no backfills: no applied revision declares one for this database");
    }
    for job in &jobs {
        printer.line(&line(job));
    }
    printer.json(Backfills {
        command: command.name().to_string(),
        jobs: jobs.iter().map(BackfillJob::of).collect(),
    });
    Ok(())
}

async fn run(
    runner: &Runner<'_>,
    args: &BackfillRunArgs,
    printer: &Printer,
) -> Result<Vec<Job>, aurora_migrate::Error> {
    let mut settings = runner.options().backfill.clone();
    settings.max_lag = args.max_lag;
    // A job paused before it runs is said so, not waited for.
    settings.stop_when_paused = true;
    if let Some(target) = args.batch_time {
        settings.sizing = Some(Sizing {
            target,
            ..Sizing::default()
        });
    }
    let runner = runner
        .with_catalog(runner.catalog())
        .with_backfill_settings(settings);
    let mut shown = Progress::new(printer);
    runner
        .run_backfills(args.revision.as_deref(), &mut |event| shown.event(event))
        .await
}
