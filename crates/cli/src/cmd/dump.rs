//! `dump`: the schema at the database's revision as canonical SQL, to stdout or a file; with
//! `--check`, a unified diff and exit 1 when a committed file is stale. Must not import another
//! command.

use std::path::Path;

use crate::args::{BaselineArgs, SquashArgs, migrations_dir};
use crate::failure::{Failure, Outcome};
use crate::output::Printer;
use crate::output::documents::{self, LeftOut};
use aurora_migrate::dump::{self, Dump, squash};
use aurora_migrate::runner::Runner;

pub(crate) async fn dump(runner: &Runner<'_>, output: Option<&Path>, printer: &Printer) -> Outcome {
    let dump = dump::dump(runner).await?;
    say_left_out(&dump, printer);
    // `-` is stdout, where the dump goes anyway (and, with JSON, inside the document).
    let output = output.filter(|path| !aurora_migrate::disk::is_stdout(path));
    match output {
        Some(path) => {
            write(path, &dump)?;
            printer.line(&format!(
                "wrote {}: {} table(s) at {}",
                path.display(),
                dump.tables,
                at(&dump)
            ));
        }
        None => printer.line(dump.text.trim_end()),
    }
    printer.json(documents::Dump {
        command: "dump".into(),
        file: output.map(|p| p.display().to_string()),
        revisions: dump.revisions.clone(),
        tables: dump.tables,
        left_out: LeftOut::list(&dump.left_out),
        sql: dump.text.clone(),
    });
    Ok(())
}

/// Exit 1 with a unified diff when `path` is not what `dump` writes now.
pub(crate) async fn check(runner: &Runner<'_>, path: &Path, printer: &Printer) -> Outcome {
    let dump = dump::dump(runner).await?;
    let committed = std::fs::read_to_string(path).map_err(|e| {
        let remedy = format!(
            "write it with `{} dump --output {}`",
            printer.program(),
            path.display()
        );
        match e.kind() {
            std::io::ErrorKind::NotFound => Failure::new(
                "dump_missing",
                format!("{} does not exist; {remedy}", path.display()),
            ),
            _ => Failure::new(
                "io",
                format!("cannot read {}: {e}; {remedy}", path.display()),
            ),
        }
    })?;
    // A checkout may have changed its line endings or added a byte-order mark.
    let committed = aurora_migrate::migrations::text::as_committed(&committed);
    let fresh = committed == dump.text;
    let diff = similar::TextDiff::from_lines(committed.as_ref(), &dump.text)
        .unified_diff()
        .context_radius(3)
        .header(&path.display().to_string(), "dump of the database")
        .to_string();
    if !fresh {
        printer.line(diff.trim_end());
    }
    printer.json(documents::DumpCheck {
        command: "dump".into(),
        file: path.display().to_string(),
        fresh,
        diff: diff.clone(),
        left_out: LeftOut::list(&dump.left_out),
    });
    match fresh {
        true if dump.left_out.is_empty() => {
            printer.note(&format!(
                "{} is the dump of the database at {}",
                path.display(),
                at(&dump)
            ));
            Ok(())
        }
        true => {
            // The file matches, but it cannot see a change inside what it leaves out.
            let mut kinds: Vec<&str> = dump.left_out.iter().map(|o| o.kind.as_str()).collect();
            kinds.dedup();
            printer.note(&format!(
                "{} is the dump of the database at {} for what it carries; it cannot compare the {} object(s) \
                 it leaves out ({}), so a change to those does not show here",
                path.display(),
                at(&dump),
                dump.left_out.len(),
                kinds.join(", ")
            ));
            say_left_out(&dump, printer);
            Ok(())
        }
        false => Err(Failure::new(
            "dump_stale",
            format!(
                "{} is stale: it differs from the dump of the database at {}; regenerate it with `{} dump --output {}`",
                path.display(),
                at(&dump),
                printer.program(),
                path.display()
            ),
        )),
    }
}

/// After a successful upgrade: the dump rewritten.
pub(crate) async fn refresh(runner: &Runner<'_>, path: &Path, printer: &Printer) -> Outcome {
    let dump = dump::dump(runner).await?;
    write(path, &dump)?;
    printer.note(&format!("wrote {} at {}", path.display(), at(&dump)));
    Ok(())
}

pub(crate) async fn squash(
    catalog: &aurora_migrate::Catalog,
    args: &SquashArgs,
    interrupt: &aurora_migrate::interrupt::Interrupt,
    printer: &Printer,
) -> Outcome {
    let dir = migrations_dir(&args.migrations_dir);
    let mut servers = Vec::new();
    for url in &args.scratch_urls {
        servers.push(aurora_migrate::DatabaseUrl::parse(url)?);
    }
    let targets: Vec<aurora_migrate::Database> = args.dialect.iter().map(|&d| d.into()).collect();
    let request = squash::Request {
        upto: &args.upto,
        message: &args.message,
        servers: &servers,
        targets: Some(targets.as_slice()).filter(|t| !t.is_empty()),
        interrupt: Some(interrupt),
    };
    let done = squash::squash(catalog, &dir, &request)
        .await
        .map_err(squash_failure)?;
    printer.line(&done.path.display().to_string());
    let (first, last) = (
        done.replaces.first().map_or("", String::as_str),
        done.replaces.last().map_or("", String::as_str),
    );
    let dialects: Vec<&str> = done.dialects.iter().map(|d| d.name()).collect();
    printer.note(&format!(
        "the squash replaces {} revision(s), {first} to {last}, with the schema replayed on a scratch database of \
         each kind it has a section for ({}); a fresh database runs it instead of them, a database with history \
         keeps to them. Delete their files once every database is past {last}, then rebuild",
        done.replaces.len(),
        dialects.join(", ")
    ));
    for kind in &done.unused {
        printer.note(&format!(
            "--scratch-url for {kind} was not used: the squash has no section for {kind}, as no squashed file runs there"
        ));
    }
    if !done.data_changes.is_empty() {
        printer.note(&format!(
            "these replaced revisions change rows, which a squash (a schema) does not carry: {}; add what a fresh \
             database needs of it to the squash by hand",
            done.data_changes.join(", ")
        ));
    }
    printer.json(documents::Squash {
        command: "squash".into(),
        file: done.path.display().to_string(),
        replaces: done.replaces.clone(),
        data_changes: done.data_changes.clone(),
        dialects: dialects.iter().map(|name| name.to_string()).collect(),
    });
    Ok(())
}

/// A squash's refusal, with the flags that answer it.
fn squash_failure(error: aurora_migrate::Error) -> Failure {
    use aurora_migrate::error::SquashError;
    let message = error.to_string();
    match &error {
        aurora_migrate::Error::Squash(SquashError::MissingScratch { missing, named, .. }) => {
            let flags: Vec<String> = missing
                .iter()
                .map(|kind| format!("--scratch-url {kind}://USER@HOST/DATABASE"))
                .collect();
            // Only the plain files' part of the need can be narrowed.
            let dialect = match missing.iter().any(|kind| !named.contains(kind)) {
                true => {
                    ", or name with --dialect the databases the project targets (for the files without sections of their own)"
                }
                false => "",
            };
            Failure::usage(
                "scratch_missing",
                format!(
                    "{message}. Give {} (a server where a database can be created and dropped){dialect}",
                    flags.join(" and ")
                ),
            )
        }
        aurora_migrate::Error::Squash(SquashError::TwoServers(_)) => {
            Failure::usage("scratch_missing", message)
        }
        aurora_migrate::Error::Squash(SquashError::NoDirectory { .. }) => {
            Failure::new("squash", format!("{message} (--migrations-dir DIR)"))
        }
        _ => error.into(),
    }
}

pub(crate) async fn baseline(
    runner: &Runner<'_>,
    args: &BaselineArgs,
    printer: &Printer,
) -> Outcome {
    let dir = migrations_dir(&args.migrations_dir);
    let request = dump::baseline::Request {
        message: &args.message,
        rev_id: args.rev_id.as_deref(),
        accept_loss: args.accept_loss,
    };
    let done = dump::baseline::baseline(runner, &dir, &request)
        .await
        .map_err(|error| match &error {
            aurora_migrate::Error::Baseline(aurora_migrate::error::BaselineError::LeftOut(_)) => {
                Failure::new(
                    "baseline_left_out",
                    format!(
                        "{error}\nnothing was written. Carry these objects by hand in a later migration, or accept \
                         their loss with --accept-loss (the file's header then lists them)"
                    ),
                )
            }
            _ => error.into(),
        })?;
    printer.line(&done.path.display().to_string());
    for object in &done.left_out {
        printer.note(&format!("left out (accepted): {object}"));
    }
    printer.note(&format!(
        "wrote {} ({} table(s)) and recorded {} as applied on {}: rebuild to embed it",
        done.path.display(),
        done.tables,
        done.revision,
        runner.describe()
    ));
    printer.json(documents::Baseline {
        command: "baseline".into(),
        file: done.path.display().to_string(),
        revision: done.revision.clone(),
        tables: done.tables,
        left_out: LeftOut::list(&done.left_out),
    });
    Ok(())
}

/// What the dump leaves out, said on stderr.
fn say_left_out(dump: &Dump, printer: &Printer) {
    for object in &dump.left_out {
        printer.note(&format!("left out: {object}"));
    }
}

fn at(dump: &Dump) -> String {
    match dump.revisions.as_slice() {
        [] => "base".to_string(),
        some => some.join(", "),
    }
}

/// Replaces the file whole (a reader never sees half a dump), or writes through to stdout, a
/// device or a pipe.
fn write(path: &Path, dump: &Dump) -> Outcome {
    aurora_migrate::disk::replace(path, dump.text.as_bytes())
        .map_err(|e| aurora_migrate::Error::from(e).into())
}
