//! Revisions as Alembic users know them: `parent -> rev (head), message` and the verbose
//! block. Text only: must not import the runner.

use aurora_migrate::Catalog;
use aurora_migrate::migrations::revision::Graph;
use aurora_migrate::runner::Beyond;

/// What a revision beyond the build is called where it is listed.
pub(crate) const BEYOND_TAG: &str = "stored, not in this build";

/// A revision beyond the build, in the one-line form: `parent -> rev (stored, not in this
/// build), message`, or `(unknown to this build)` when the log recorded nothing of it.
pub(crate) fn beyond_line(beyond: &Beyond) -> String {
    match &beyond.record {
        Some(record) => {
            let parents = match record.parents.as_slice() {
                [] => "<base>".to_string(),
                [one] => one.clone(),
                many => format!("({})", many.join(", ")),
            };
            let mut tags = vec![BEYOND_TAG.to_string()];
            if record.downgrade.is_none() {
                tags.push("no stored downgrade".into());
            }
            if record.compatibility == aurora_migrate::migrations::Compatibility::Expand {
                tags.push("expand".into());
            }
            let tags: String = tags.iter().map(|t| format!(" ({t})")).collect();
            format!("{parents} -> {}{tags}, {}", beyond.id, record.message)
        }
        None => format!("{} (unknown to this build)", beyond.id),
    }
}

/// Alembic's one-line form: `parent -> rev (label) (head), message`.
pub(crate) fn revision_line(catalog: &Catalog, index: usize, extra_tags: &[&str]) -> String {
    let graph = catalog.graph();
    let migration = catalog.migration(index);
    let parents = match graph.parents(index) {
        [] => "<base>".to_string(),
        list => ids(graph, list),
    };
    let parents = if graph.parents(index).len() > 1 {
        format!("({parents})")
    } else {
        parents
    };
    format!(
        "{parents} -> {}{}, {}",
        migration.id,
        tags(graph, index, extra_tags),
        migration.message
    )
}

/// ` (label) (head) (branchpoint) (mergepoint)` and any extra tags.
pub(crate) fn tags(graph: &Graph, index: usize, extra: &[&str]) -> String {
    let node = graph.node(index);
    let mut tags: Vec<String> = Vec::new();
    if !node.branch_labels.is_empty() {
        tags.push(node.branch_labels.join(", "));
    }
    if graph.children(index).is_empty() {
        tags.push("head".into());
    }
    if graph.children(index).len() > 1 {
        tags.push("branchpoint".into());
    }
    if graph.parents(index).len() > 1 {
        tags.push("mergepoint".into());
    }
    tags.extend(extra.iter().map(|t| t.to_string()));
    tags.iter().map(|t| format!(" ({t})")).collect()
}

pub(crate) fn ids(graph: &Graph, list: &[usize]) -> String {
    list.iter()
        .map(|&i| graph.node(i).id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Alembic's verbose form of a revision.
pub(crate) fn revision_block(catalog: &Catalog, index: usize, extra_tags: &[&str]) -> String {
    let graph = catalog.graph();
    let migration = catalog.migration(index);
    let mut lines = vec![format!(
        "Rev: {}{}",
        migration.id,
        tags(graph, index, extra_tags)
    )];
    match graph.parents(index) {
        [] => lines.push("Parent: <base>".into()),
        [one] => lines.push(format!("Parent: {}", graph.node(*one).id)),
        many => lines.push(format!("Merges: {}", ids(graph, many))),
    }
    if graph.children(index).len() > 1 {
        lines.push(format!(
            "Branches into: {}",
            ids(graph, graph.children(index))
        ));
    }
    if !migration.branch_labels.is_empty() {
        lines.push(format!(
            "Branch names: {}",
            migration.branch_labels.join(", ")
        ));
    }
    if !migration.depends_on.is_empty() {
        lines.push(format!(
            "Also depends on: {}",
            migration.depends_on.join(", ")
        ));
    }
    if let [first, .., last] = migration.replaces.as_ref() {
        lines.push(format!(
            "Replaces: {} revisions, {first} to {last} (a squash: a fresh database runs it instead)",
            migration.replaces.len()
        ));
    }
    lines.push(format!("Path: migrations/{}", migration.file_name));
    if !migration.transactional {
        lines.push("Transaction: none".into());
    }
    lines.push(String::new());
    lines.push(format!("    {}", migration.message));
    if let Some(date) = &migration.create_date {
        lines.push(format!("    Create Date: {date}"));
    }
    lines.join("\n")
}

/// What a log that records more than the version table holds means, and what to do.
pub(crate) fn logged_not_applied(graph: &Graph, revisions: &[usize], program: &str) -> String {
    format!(
        "the log records {} as applied, but the version table does not hold them (a script ran on a database \
         that was elsewhere, or another tool reverted them): their changes may be in the schema; compare it, \
         then record where the database really is with `{} stamp REV`",
        ids(graph, revisions),
        program
    )
}

/// A downgrade the log stored for a revision beyond the build, shown whole before it runs.
pub(crate) fn stored_downgrade(revision: &str, statements: &[String]) -> String {
    let mut text = format!(
        "{revision} is beyond this build: reverting it runs the downgrade the log stored for it, SQL this program does not carry:"
    );
    for statement in statements {
        for line in statement.lines() {
            text.push_str(&format!("\n    {line}"));
        }
        text.push(';');
    }
    text
}
