//! `create --autogenerate` and `check --scratch-url`: the models against a schema, through
//! the engine's autogenerate; this prints what it finds and writes the file.
//! Must not import the clap parser.

use super::author::{GeneratedBody, embedded_heads, write_new};
use crate::args::CreateArgs;
use crate::failure::{Failure, Outcome};
use crate::output::Printer;
use crate::output::documents::{Created, ModelsCheck, NoChanges};
use crate::settings::{MigrateFlags, Resolved, runner};
use aurora_migrate::Catalog;
use aurora_migrate::authoring::disk_heads_if_different;
use aurora_migrate::autogenerate::{self, Comparison, Generated};
use aurora_migrate::interrupt::Interrupt;
use aurora_migrate::schema::model::Schema;
use aurora_migrate::url::DatabaseUrl;

use crate::args::migrations_dir;

pub(crate) async fn create(
    catalog: &Catalog,
    models: Option<&Schema>,
    args: &CreateArgs,
    resolved: &Resolved,
    interrupt: &Interrupt,
    printer: &Printer,
) -> Outcome {
    let Some(models) = models else {
        return Err(no_models(printer));
    };
    // The database is compared at this build's heads: files on disk that differ would make
    // the new revision repeat, or fork from, what they do.
    let dir = migrations_dir(&args.migrations_dir);
    if let Some(heads) = disk_heads_if_different(catalog, &dir) {
        return Err(Failure::new(
            "migrations_differ",
            format!(
                "{} (heads: {}) differs from the migrations this binary embeds (heads: {}), and autogenerate compares \
                 the database at the embedded heads; rebuild so the binary carries the files on disk, then run it again",
                dir.display(),
                if heads.is_empty() {
                    "none".into()
                } else {
                    heads.join(", ")
                },
                embedded_heads(catalog)
            ),
        ));
    }
    let scratch_url = args.scratch_url.as_deref();
    let comparison = compare(catalog, models, resolved, scratch_url, interrupt, printer).await?;
    let detected = comparison.descriptions();
    for line in &detected {
        printer.note(line);
    }
    printer.not_compared(&comparison.not_compared);
    if detected.is_empty() {
        printer.note("No changes in schema detected; nothing written");
        printer.json(Created::Unchanged(NoChanges {
            changes: Vec::new(),
            path: None,
            not_compared: comparison.not_compared.clone(),
        }));
        return Ok(());
    }
    // The changes were computed against the embedded heads: the new revision follows them.
    let parents = match &args.head {
        Some(_) => None,
        None => Some(autogenerate::parents(catalog)),
    };
    let (mut text, rust) = match comparison.generate() {
        Generated::Rust(text) => (text, true),
        Generated::Sql(text) => (text, false),
    };
    let used = comparison.enum_values_added_and_used();
    if !used.is_empty() {
        // Enums are never portable, so this text is SQL.
        let why = format!(
            "uses enum values it adds ({}), which PostgreSQL cannot use in the transaction that adds them",
            used.join(", ")
        );
        printer.note(&format!(
            "the migration {why}: it runs outside a transaction"
        ));
        text = format!("-- Transaction: none, because the migration {why}.\n\n{text}");
    }
    let body = GeneratedBody {
        text,
        rust,
        outside_transaction: !used.is_empty(),
    };
    let path = write_new(args, Some(body), parents, printer)?;
    if rust {
        format_rust(&path, printer);
    }
    lint_written(&comparison, used.is_empty(), &path, printer);
    Ok(())
}

/// The lint of what was written, as it runs on the database compared; printed, never fatal:
/// the file is the author's to change.
fn lint_written(
    comparison: &autogenerate::Comparison,
    transactional: bool,
    path: &std::path::Path,
    printer: &Printer,
) {
    let numbered = |texts: Vec<String>| -> Vec<aurora_migrate::migrations::Statement> {
        texts
            .into_iter()
            .enumerate()
            .map(|(i, text)| aurora_migrate::migrations::Statement {
                text: text.into(),
                line: i + 1,
            })
            .collect()
    };
    let (current, desired, kind) = (&comparison.current, &comparison.desired, comparison.kind);
    let upgrade = numbered(autogenerate::statements(
        &comparison.changes,
        current,
        desired,
        kind,
    ));
    let reverse: Vec<_> = comparison
        .changes
        .iter()
        .rev()
        .map(|c| c.reverse())
        .collect();
    let downgrade = numbered(autogenerate::statements(&reverse, desired, current, kind));
    let file = path.display().to_string();
    let subject = aurora_migrate::lint::Subject {
        revision: "the new migration",
        file: &file,
        database: kind,
        transactional,
        compatibility: aurora_migrate::migrations::Compatibility::None,
        upgrade: &upgrade,
        downgrade: Some(&downgrade),
        allows: &[],
    };
    let findings = aurora_migrate::lint::lint(&subject, None);
    for f in &findings {
        printer.note(&format!(
            "lint: {} {} {} (statement {} for {}): {}\n    why: {}\n    instead: {}",
            f.severity.name(),
            f.rule.code,
            f.rule.name,
            f.line,
            kind.name(),
            f.statement,
            f.why,
            f.instead
        ));
    }
    if findings.is_empty() {
        printer.note(&format!(
            "lint: the new migration is clean for {}",
            kind.name()
        ));
    }
}

/// Runs rustfmt on a generated Rust migration, as Alembic runs Black on its scripts.
fn format_rust(path: &std::path::Path, printer: &Printer) {
    match std::process::Command::new("rustfmt")
        .args(["--edition", "2024"])
        .arg(path)
        .output()
    {
        Ok(output) if output.status.success() => {}
        Ok(output) => printer.note(&format!(
            "rustfmt could not format {}: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        )),
        Err(_) => printer.note(&format!(
            "rustfmt is not installed; {} is written unformatted",
            path.display()
        )),
    }
}

/// `check --scratch-url`: do the models describe what the migrations build?
pub(crate) async fn check_models(
    catalog: &Catalog,
    models: Option<&Schema>,
    scratch_url: &str,
    resolved: &Resolved,
    interrupt: &Interrupt,
    printer: &Printer,
) -> Outcome {
    let Some(models) = models else {
        return Err(no_models(printer));
    };
    let scratch_url = Some(scratch_url);
    let comparison = compare(catalog, models, resolved, scratch_url, interrupt, printer).await?;
    report(&comparison, printer)
}

/// A program with no models has nothing for autogenerate to compare.
fn no_models(printer: &Printer) -> Failure {
    Failure::usage(
        "no_models",
        format!(
            "{} has no models to compare: autogenerate writes the difference between a program's models and its database",
            printer.program()
        ),
    )
}

/// Lists every difference between the models and the database; fails if there is one.
pub(crate) fn report(comparison: &Comparison, printer: &Printer) -> Outcome {
    let detected = comparison.descriptions();
    printer.not_compared(&comparison.not_compared);
    printer.json(ModelsCheck {
        ok: detected.is_empty(),
        problems: detected.clone(),
        not_compared: comparison.not_compared.clone(),
    });
    if detected.is_empty() {
        printer.line("the models match the database");
        return Ok(());
    }
    for line in &detected {
        printer.line(line);
    }
    Err(Failure::new(
        "check_failed",
        format!(
            "the models and the database differ ({} difference(s)); `{} create MESSAGE --autogenerate` writes the migration",
            detected.len(),
            printer.program()
        ),
    ))
}

/// Compares the models with the configured database, or with a scratch one built to the heads
/// (dropped at once on `interrupt`).
pub(crate) async fn compare(
    catalog: &Catalog,
    models: &Schema,
    resolved: &Resolved,
    scratch_url: Option<&str>,
    interrupt: &Interrupt,
    printer: &Printer,
) -> Result<Comparison, Failure> {
    let Some(scratch_url) = scratch_url else {
        let runner = runner(
            catalog,
            resolved,
            &Interrupt::new(),
            MigrateFlags::default(),
        )?;
        return Ok(autogenerate::compare(&runner, models).await?);
    };
    let server = DatabaseUrl::parse(scratch_url)?;
    let mut announce = |url: &DatabaseUrl| {
        printer.note(&format!(
            "building the schema at head in the scratch database {url}"
        ))
    };
    let options = resolved.options.clone().with_interrupt(interrupt.clone());
    Ok(autogenerate::compare_scratch(catalog, models, &server, options, &mut announce).await?)
}
