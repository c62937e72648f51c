//! `lint`: the findings, each with its place, why it is dangerous and the safe rewrite, and a
//! summary; exit 1 when an error remains. Also the lint `check --lint` and `create
//! --autogenerate` print. Must not import another command.

use super::super::args::{Dialect, LintArgs};
use super::super::failure::{Failure, Outcome};
use super::super::output::Printer;
use aurora_migrate::core::revision::{range, target};
use aurora_migrate::lint::{self, Report, Selection, Severity, Stats};
use aurora_migrate::runner::Runner;
use aurora_migrate::runner::TableSize;
use aurora_migrate::{Catalog, Database};

/// The databases a lint is for: those asked, else the named database's, else all three.
pub fn databases(dialects: &[Dialect], runner: Option<&Runner<'_>>) -> Vec<Database> {
    match (dialects, runner) {
        ([], Some(runner)) => vec![runner.kind()],
        ([], None) => vec![Database::Postgres, Database::Sqlite, Database::Mysql],
        (some, _) => some.iter().map(|&d| d.into()).collect(),
    }
}

/// `runner` is there when a database was named (or `--with-stats` needs one).
pub async fn lint(
    catalog: &Catalog,
    args: &LintArgs,
    runner: Option<&Runner<'_>>,
    printer: &Printer,
) -> Outcome {
    let graph = catalog.graph();
    let selection = match (&args.revisions, args.all, runner) {
        (_, true, _) | (None, false, None) => Selection::All,
        (Some(text), _, _) if text.contains(':') => {
            let current = match runner {
                Some(runner) => runner.status().await?.current,
                None => Vec::new(),
            };
            Selection::Revisions(range::resolve(graph, Some(text), &current)?)
        }
        (Some(text), _, _) => Selection::Revisions(vec![target::lookup(graph, text)?]),
        (None, false, Some(runner)) => {
            let status = runner.status().await?;
            Selection::Revisions(
                (0..graph.len())
                    .filter(|i| !status.applied.set.contains(i))
                    .collect(),
            )
        }
    };
    let stats = match (args.with_stats, runner) {
        (false, _) => None,
        (true, Some(runner)) => Some(stats(runner.table_sizes().await?)),
        (true, None) => {
            return Err(Failure::usage(
                "usage",
                "--with-stats reads the table sizes of a database: name it with --database-url or DATABASE_URL",
            ));
        }
    };
    let databases = databases(&args.dialect, runner);
    let report = lint::lint_catalog(catalog, &selection, &databases, stats.as_ref())?;
    print(&report, &databases, printer);
    outcome(&report)
}

/// The sizes `--with-stats` judges by.
pub fn stats(sizes: Vec<TableSize>) -> Stats {
    sizes
        .into_iter()
        .map(|s| {
            (
                s.table.to_ascii_lowercase(),
                lint::TableSize {
                    rows: s.rows,
                    bytes: s.bytes,
                },
            )
        })
        .collect()
}

/// Exit 1 when an error remains.
pub fn outcome(report: &Report) -> Outcome {
    match report.count(Severity::Error) {
        0 => Ok(()),
        errors => Err(Failure::new(
            "lint",
            format!(
                "lint found {errors} error(s): fix them, or accept each with `-- lint: allow CODE reason`"
            ),
        )),
    }
}

/// The findings (suppressed ones with -v), then the summary.
pub fn print(report: &Report, databases: &[Database], printer: &Printer) {
    for entry in &report.entries {
        let f = &entry.finding;
        if f.suppressed.is_some() && !printer.verbose() {
            continue;
        }
        let on: Vec<&str> = entry.databases.iter().map(|d| d.name()).collect();
        let mut text = format!(
            "{}:{}: {} {} {} ({}) in {}: {}\n    why: {}\n    instead: {}",
            f.file,
            f.line,
            f.severity.name(),
            f.rule.code,
            f.rule.name,
            on.join(", "),
            f.revision,
            f.statement,
            f.why,
            f.instead
        );
        if let Some(reason) = &f.suppressed {
            text.push_str(&format!("\n    allowed: {reason}"));
        }
        printer.line(&text);
    }
    let names: Vec<&str> = databases.iter().map(|d| d.name()).collect();
    printer.line(&summary(report, &names));
    printer.json(serde_json::json!({
        "command": "lint",
        "databases": names,
        "migrations": report.migrations,
        "statements": report.statements,
        "errors": report.count(Severity::Error),
        "warnings": report.count(Severity::Warning),
        "infos": report.count(Severity::Info),
        "suppressed": report.suppressed(),
        "findings": report.entries.iter().map(|e| {
            let f = &e.finding;
            serde_json::json!({
                "code": f.rule.code,
                "rule": f.rule.name,
                "severity": f.severity.name(),
                "revision": f.revision,
                "file": f.file,
                "line": f.line,
                "databases": e.databases.iter().map(|d| d.name()).collect::<Vec<_>>(),
                "statement": f.statement,
                "why": f.why,
                "instead": f.instead,
                "suppressed": f.suppressed,
            })
        }).collect::<Vec<_>>(),
    }));
}

/// `lint: 3 migration(s), 9 statement(s) for postgresql: 0 error(s), 1 warning(s), ...`.
pub fn summary(report: &Report, databases: &[&str]) -> String {
    format!(
        "lint: {} migration(s), {} statement(s) for {}: {} error(s), {} warning(s), {} info(s), {} suppressed",
        report.migrations,
        report.statements,
        databases.join(", "),
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
        report.suppressed()
    )
}

#[cfg(test)]
mod tests;
