//! `scratch clean`: the throwaway databases and temporary SQLite files killed runs left
//! behind, a line for each found (dropped, or kept and why); in production, nothing without
//! `--yes`. Must not import another command.

use std::time::Duration;

use crate::args::ScratchCleanArgs;
use crate::failure::{Failure, Outcome};
use crate::output::Printer;
use crate::output::documents::{ScratchClean, ScratchDatabase, ScratchFate};
use aurora_migrate::DatabaseUrl;
use aurora_migrate::scratch::{self, Fate, Found, Reason, Sweep};

pub(crate) async fn clean(args: &ScratchCleanArgs, production: bool, printer: &Printer) -> Outcome {
    let mut servers = Vec::new();
    for url in &args.scratch_urls {
        servers.push(DatabaseUrl::parse(url)?);
    }
    let dir = std::env::temp_dir();
    let confirmed = !production || args.yes;
    let sweep = Sweep::new(&servers, &dir, args.older_than).with_drop(confirmed && !args.dry_run);
    let found = scratch::sweep(&sweep).await?;
    for one in &found {
        printer.line(&line(one));
    }
    let count = |fate: Fate| found.iter().filter(|f| f.fate == fate).count();
    printer.json(ScratchClean {
        command: "scratch clean".into(),
        databases: found
            .iter()
            .map(|f| ScratchDatabase {
                name: f.name.clone(),
                place: f.place.clone(),
                fate: match f.fate {
                    Fate::Dropped => ScratchFate::Dropped,
                    Fate::WouldDrop => ScratchFate::WouldDrop,
                    Fate::Kept => ScratchFate::Kept,
                },
                reason: reason(&f.reason),
            })
            .collect(),
    });
    let places = match servers.is_empty() {
        true => dir.display().to_string(),
        false => format!(
            "{} and {}",
            servers
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            dir.display()
        ),
    };
    if !confirmed {
        return Err(Failure::usage(
            "confirmation_required",
            format!(
                "`scratch clean` in production (--env / AURORA_ENV) needs --yes to confirm; {} throwaway database(s) \
                 would be dropped, nothing was",
                count(Fate::WouldDrop)
            ),
        ));
    }
    printer.note(&format!(
        "{} dropped, {} would be, {} kept, on {places}",
        count(Fate::Dropped),
        count(Fate::WouldDrop),
        count(Fate::Kept)
    ));
    Ok(())
}

fn line(found: &Found) -> String {
    let fate = match found.fate {
        Fate::Dropped => "dropped",
        Fate::WouldDrop => "would drop",
        Fate::Kept => "kept",
    };
    let at = match found.place.contains("://") {
        true => "on",
        false => "in",
    };
    format!(
        "{fate} {} {at} {}: {}",
        found.name,
        found.place,
        reason(&found.reason)
    )
}

fn reason(reason: &Reason) -> String {
    let age = |age: &Duration| humantime::format_duration(Duration::from_secs(age.as_secs()));
    match reason {
        Reason::MakerGone { pid } => {
            format!("made by process {pid} on this host, which is no longer running")
        }
        Reason::MakerRunning { pid } => {
            format!("made by process {pid} on this host, which is still running")
        }
        Reason::InUse { sessions } => format!("in use: {sessions} session(s) connected"),
        Reason::Old { age: a } => format!(
            "made {} ago on another host (or by an earlier version), past the grace period, with no session connected",
            age(a)
        ),
        Reason::Young { age: a, grace } => format!(
            "made {} ago on another host (or by an earlier version), within the grace period of {}; --older-than changes it",
            age(a),
            age(grace)
        ),
        Reason::Unknown => "its name does not say who made it".to_string(),
    }
}
