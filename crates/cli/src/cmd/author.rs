//! `create` and `merge`: write new migration files. Both follow the files on disk, and say so
//! when those differ from the migrations this binary embeds. Must not import another command.

use std::path::{Path, PathBuf};

use crate::args::{CreateArgs, MergeArgs, migrations_dir};
use crate::failure::{Failure, Outcome};
use crate::output::Printer;
use crate::output::documents::{Created, Written};
use aurora_migrate::Catalog;
use aurora_migrate::authoring::{self, NewRevision};

pub(crate) fn create(catalog: &Catalog, args: &CreateArgs, printer: &Printer) -> Outcome {
    note_disk_difference(catalog, args.migrations_dir.as_deref(), printer);
    write_new(args, None, None, printer).map(|_| ())
}

/// A migration body autogenerate wrote.
pub(crate) struct GeneratedBody {
    pub text: String,
    pub rust: bool,
    /// It must run outside a transaction (its text says why).
    pub outside_transaction: bool,
}

/// Writes the file `create` describes; `body` is generated text, `parents` fixes the parents.
pub(crate) fn write_new(
    args: &CreateArgs,
    body: Option<GeneratedBody>,
    parents: Option<Vec<String>>,
    printer: &Printer,
) -> Result<PathBuf, Failure> {
    let rust = body.as_ref().map_or(args.rust, |b| b.rust);
    let (text, outside_transaction) = match body {
        Some(b) => (Some(b.text), b.outside_transaction),
        None => (None, false),
    };
    let new = NewRevision {
        message: args.message.clone(),
        rust,
        head: args.head.clone(),
        base: args.base,
        branch_labels: args.branch_labels.clone(),
        depends_on: args.depends_on.clone(),
        rev_id: args.rev_id.clone(),
        body: text,
        parents,
        outside_transaction,
        note: None,
        replaces: Vec::new(),
        accepted_loss: None,
    };
    let path = authoring::create(&migrations_dir(&args.migrations_dir), &new)?;
    written(&path, new.body.is_some(), printer);
    Ok(path)
}

pub(crate) fn merge(catalog: &Catalog, args: &MergeArgs, printer: &Printer) -> Outcome {
    note_disk_difference(catalog, args.migrations_dir.as_deref(), printer);
    let dir = migrations_dir(&args.migrations_dir);
    let path = authoring::merge(&dir, &args.revisions, &args.message, args.rev_id.as_deref())?;
    written(&path, false, printer);
    Ok(())
}

/// Says when the files on disk are not what this binary carries: authoring follows the files.
pub(crate) fn note_disk_difference(catalog: &Catalog, dir: Option<&Path>, printer: &Printer) {
    let dir = migrations_dir(&dir.map(Path::to_path_buf));
    if let Some(heads) = aurora_migrate::authoring::disk_heads_if_different(catalog, &dir) {
        let embedded = embedded_heads(catalog);
        printer.note(&format!(
            "note: {} (heads: {}) differs from the migrations this binary embeds (heads: {embedded}); \
             create and merge follow the files on disk, rebuild to embed them",
            dir.display(),
            if heads.is_empty() { "none".into() } else { heads.join(", ") },
        ));
    }
}

pub(crate) fn embedded_heads(catalog: &Catalog) -> String {
    let graph = catalog.graph();
    match graph.heads().as_slice() {
        [] => "none".into(),
        heads => crate::revision_text::ids(graph, heads),
    }
}

fn written(path: &std::path::Path, generated: bool, printer: &Printer) {
    printer.line(&path.display().to_string());
    printer.json(Created::Written(Written {
        path: path.display().to_string(),
    }));
    let what = if generated {
        "review it"
    } else {
        "write its upgrade and downgrade"
    };
    printer.note(&format!(
        "{what}, then rebuild: the binary embeds migrations at build time"
    ));
}
