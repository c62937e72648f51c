//! `create --autogenerate` and the models half of `check`.

use super::super::settings::{MigrateFlags, Resolved, runner};
use super::super::{Failure, Outcome, Printer};
use super::author::{
    CreateArgs, GeneratedBody, disk_heads_if_different, embedded_heads, write_new,
};
use crate::migration::Catalog;
use crate::revision::Target;
use crate::runner::Runner;
use crate::runner::interrupt::Interrupt;
use crate::runner::scratch::Scratch;
use crate::schema::autogenerate::{self, Comparison, Generated};
use crate::schema::model::Schema;
use crate::url::DatabaseUrl;

pub async fn create(
    catalog: &Catalog,
    models: &Schema,
    args: &CreateArgs,
    resolved: &Resolved,
    printer: &Printer,
) -> Outcome {
    // The database is compared at this build's heads: files on disk that differ would make
    // the new revision repeat, or fork from, what they do.
    if let Some((dir, heads)) = disk_heads_if_different(catalog, args.migrations_dir.as_deref()) {
        return Err(Failure::new(
            "migrations_differ",
            format!(
                "{} (heads: {}) differs from the migrations this binary embeds (heads: {}), and autogenerate compares                  the database at the embedded heads; rebuild so the binary carries the files on disk, then run it again",
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
    let comparison = compare(
        catalog,
        models,
        resolved,
        args.scratch_url.as_deref(),
        printer,
    )
    .await?;
    let detected = comparison.descriptions();
    for line in &detected {
        printer.note(line);
    }
    if detected.is_empty() {
        printer.note("No changes in schema detected; nothing written");
        printer.json(serde_json::json!({ "changes": [], "path": null }));
        return Ok(());
    }
    // The changes were computed against the embedded heads: the new revision follows them.
    let parents = match &args.head {
        Some(_) => None,
        None => Some(
            catalog
                .graph()
                .heads()
                .iter()
                .map(|&h| catalog.graph().node(h).id.clone())
                .collect(),
        ),
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
    Ok(())
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
pub async fn check_models(
    catalog: &Catalog,
    models: &Schema,
    scratch_url: &str,
    resolved: &Resolved,
    printer: &Printer,
) -> Outcome {
    let comparison = compare(catalog, models, resolved, Some(scratch_url), printer).await?;
    report(&comparison, printer)
}

/// Lists every difference between the models and the database; fails if there is one.
pub fn report(comparison: &Comparison, printer: &Printer) -> Outcome {
    let detected = comparison.descriptions();
    printer.json(serde_json::json!({ "ok": detected.is_empty(), "problems": detected }));
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
            "the models and the database differ ({} difference(s)); `aurora-migrate create MESSAGE --autogenerate` writes the migration",
            detected.len()
        ),
    ))
}

/// Compares the models with the configured database, or with a scratch one built to the heads.
pub async fn compare(
    catalog: &Catalog,
    models: &Schema,
    resolved: &Resolved,
    scratch_url: Option<&str>,
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
    let scratch = Scratch::create(&DatabaseUrl::parse(scratch_url)?).await?;
    printer.note(&format!(
        "building the schema at head in the scratch database {}",
        scratch.url()
    ));
    let result = async {
        let runner = Runner::new(catalog, scratch.url().clone(), resolved.options.clone())?;
        runner.upgrade(&Target::Heads, &mut |_| {}).await?;
        autogenerate::compare(&runner, models).await
    }
    .await;
    let dropped = scratch.drop().await;
    let comparison = result?;
    dropped?;
    Ok(comparison)
}
