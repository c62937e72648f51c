//! Which command a fleet runs, read from the parsed command line: the job, its flags, and the
//! confirmation it needs. `None` for a command given no `--targets`. Must not import the
//! dispatcher.

use aurora_migrate::migrations::revision::Target;
use aurora_migrate::schema::model::Schema;

use super::Job;
use crate::args::{AdoptFrom, Command, DatabaseArgs, FleetArgs};
use crate::failure::Failure;
use crate::settings::{self, MigrateFlags};

/// A command to run on every database of a fleet.
pub(crate) struct Request<'a> {
    pub fleet: &'a FleetArgs,
    pub database: &'a DatabaseArgs,
    pub job: Job<'a>,
    pub flags: MigrateFlags,
    /// In production, the data-loss guard holds unless `--yes` was given (downgrade).
    pub guard_in_production: bool,
    /// In production, this command needs `--yes`: its name, and whether it was given.
    pub confirm_in_production: Option<(&'static str, bool)>,
    /// The command and its target, as the state file records them: `--resume` leaves out
    /// only what a run of the same command and target finished.
    pub what: String,
}

/// The fleet request `command` makes, if it names a fleet.
pub(crate) fn request<'a>(
    command: &'a Command,
    models: Option<&'a Schema>,
) -> Result<Option<Request<'a>>, Failure> {
    let plain = |fleet, database, job: Job<'a>, target: &str| Request {
        fleet,
        database,
        what: format!("{} {target}", job.command()).trim_end().to_string(),
        job,
        flags: MigrateFlags::default(),
        guard_in_production: false,
        confirm_in_production: None,
    };
    Ok(Some(match command {
        Command::Upgrade(args) if args.fleet.given() => {
            let job = Job::Upgrade(Target::parse(&args.target)?);
            Request {
                flags: settings::migrate_flags(&args.steps, false),
                ..plain(&args.fleet, &args.database, job, &args.target)
            }
        }
        Command::Downgrade(args) if args.fleet.given() => {
            let job = Job::Downgrade(Target::parse(&args.target)?);
            Request {
                flags: settings::migrate_flags(&args.steps, false),
                guard_in_production: !args.yes,
                ..plain(&args.fleet, &args.database, job, &args.target)
            }
        }
        Command::Stamp(args) if args.fleet.given() => {
            let job = Job::Stamp {
                target: Target::parse(&args.target)?,
                purge: args.purge,
            };
            Request {
                confirm_in_production: Some(("stamp", args.yes)),
                ..plain(&args.fleet, &args.database, job, &args.target)
            }
        }
        Command::Reset(args) if args.fleet.given() => {
            if !args.yes {
                return Err(Failure::usage(
                    "confirmation_required",
                    "reset on a fleet reverts and reapplies every database, dropping the data the migrations manage: \
                     pass --yes to confirm; nothing was changed",
                ));
            }
            plain(&args.fleet, &args.database, Job::Reset, "")
        }
        Command::Current(args) if args.fleet.given() => {
            plain(&args.fleet, &args.database, Job::Current, "")
        }
        Command::Status(args) if args.fleet.given() => {
            plain(&args.fleet, &args.database, Job::Status, "")
        }
        Command::Check(args) if args.fleet.given() => {
            let job = Job::Check {
                models,
                lint: args.lint,
            };
            plain(&args.fleet, &args.database, job, "")
        }
        Command::Adopt(AdoptFrom::Refinery(args)) if args.fleet.given() => {
            plain(&args.fleet, &args.database, Job::AdoptRefinery, "")
        }
        _ => return Ok(None),
    }))
}
