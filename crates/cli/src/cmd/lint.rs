//! `lint`: the findings of the migrations on disk (or those the build embeds), upgrades and
//! downgrades, each with its place, why it is dangerous and the safe rewrite, and a summary;
//! exit 1 when a finding at the failing severity remains. Also the lint `check --lint` and `create
//! --autogenerate` print. Must not import another command.

use crate::args::{Dialect, FailOn, LintArgs, migrations_dir};
use crate::failure::{Failure, Outcome};
use crate::output::Printer;
use crate::output::documents::{self, LintDiffers, LintFinding, LintSource};
use aurora_migrate::lint::{self, Report, Selection, Severity, Stats};
use aurora_migrate::migrations::revision::{range, target};
use aurora_migrate::runner::Runner;
use aurora_migrate::runner::TableSize;
use aurora_migrate::{Catalog, Database, Direction};

/// The databases a lint is for: those asked, else the named database's, else all three.
pub(crate) fn databases(dialects: &[Dialect], runner: Option<&Runner<'_>>) -> Vec<Database> {
    match (dialects, runner) {
        ([], Some(runner)) => vec![runner.kind()],
        ([], None) => vec![Database::Postgres, Database::Sqlite, Database::Mysql],
        (some, _) => some.iter().map(|&d| d.into()).collect(),
    }
}

/// `runner` is there when a database was named (or `--with-stats` needs one). The files in
/// the migrations directory are linted when it exists, the embedded migrations otherwise.
pub(crate) async fn lint(
    embedded: &Catalog,
    args: &LintArgs,
    runner: Option<&Runner<'_>>,
    printer: &Printer,
) -> Outcome {
    let (disk, source) = on_disk(embedded, args, printer)?;
    let catalog = disk.as_ref().unwrap_or(embedded);
    let selection = selection(embedded, catalog, args, runner).await?;
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
    for file in &report.not_built {
        printer.note(&format!(
            "note: {file} is a Rust migration this build does not carry: it is not linted until a rebuild embeds it"
        ));
    }
    print(&report, &databases, source, printer);
    outcome(&report, fail_on(args.fail_on))
}

/// What to lint: the revisions asked, else what the named database has not applied, else all.
async fn selection(
    embedded: &Catalog,
    catalog: &Catalog,
    args: &LintArgs,
    runner: Option<&Runner<'_>>,
) -> Result<Selection, Failure> {
    let graph = catalog.graph();
    // The database's standing, as revision ids: the runner reads it with the build's graph,
    // and the files on disk may number their revisions otherwise.
    let standing = match runner {
        Some(runner) => {
            let status = runner.records().await?;
            let built = embedded.graph();
            let ids = |indices: &mut dyn Iterator<Item = usize>| -> Vec<usize> {
                indices
                    .filter_map(|i| graph.index_of(&built.node(i).id))
                    .collect()
            };
            Some((
                ids(&mut status.current.iter().copied()),
                ids(&mut status.applied.set.iter().copied()),
            ))
        }
        None => None,
    };
    Ok(match (&args.revisions, args.all, &standing) {
        (_, true, _) | (None, false, None) => Selection::All,
        (Some(text), _, _) if text.contains(':') => {
            let current = standing.as_ref().map(|s| s.0.clone()).unwrap_or_default();
            Selection::Revisions(range::resolve(graph, Some(text), &current)?)
        }
        (Some(text), _, _) => Selection::Revisions(vec![target::lookup(graph, text)?]),
        (None, false, Some((_, applied))) => {
            Selection::Revisions((0..graph.len()).filter(|i| !applied.contains(i)).collect())
        }
    })
}

/// The migrations directory read, when it exists and `--embedded` is not given, with a note
/// when its files differ from the build; and the source for the JSON document.
fn on_disk(
    embedded: &Catalog,
    args: &LintArgs,
    printer: &Printer,
) -> Result<(Option<Catalog>, LintSource), Failure> {
    if args.embedded {
        return Ok((None, LintSource::Embedded));
    }
    let dir = migrations_dir(&args.migrations_dir);
    if !dir.is_dir() {
        if args.migrations_dir.is_some() {
            return Err(Failure::usage(
                "usage",
                format!(
                    "{} is not a directory: name the migrations directory, or lint what the build embeds with --embedded",
                    dir.display()
                ),
            ));
        }
        return Ok((None, LintSource::Embedded));
    }
    let scan = aurora_migrate::migrations::source::scan::scan(&dir).map_err(|faults| {
        let faults: Vec<String> = faults.iter().map(|f| f.to_string()).collect();
        Failure::new(
            "lint",
            format!(
                "the migrations in {} cannot be read:\n{}\nfix them (the build refuses them too), or lint what this binary embeds with --embedded",
                dir.display(),
                faults.join("\n")
            ),
        )
    })?;
    let disk = Catalog::from_disk(scan, embedded);
    let differences = embedded.differences(&disk);
    if !differences.is_empty() {
        let mut parts = Vec::new();
        for (what, ids) in [
            ("new", &differences.added),
            ("changed", &differences.changed),
            ("removed", &differences.removed),
        ] {
            if !ids.is_empty() {
                parts.push(format!("{what}: {}", ids.join(", ")));
            }
        }
        printer.note(&format!(
            "note: {} differs from the migrations this binary embeds ({}); lint reads the files on disk, rebuild to embed them",
            dir.display(),
            parts.join("; ")
        ));
    }
    let source = LintSource::Disk {
        dir: dir.display().to_string(),
        differs: LintDiffers {
            new: differences.added,
            changed: differences.changed,
            removed: differences.removed,
        },
    };
    Ok((Some(disk), source))
}

fn fail_on(least: FailOn) -> Severity {
    match least {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    }
}

/// The sizes `--with-stats` judges by.
pub(crate) fn stats(sizes: Vec<TableSize>) -> Stats {
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

/// Exit 1 when a finding at `least` or worse remains.
pub(crate) fn outcome(report: &Report, least: Severity) -> Outcome {
    let failing: usize = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .filter(|&s| s >= least)
        .map(|s| report.count(s))
        .sum();
    if failing == 0 {
        return Ok(());
    }
    let what = match least {
        Severity::Error => "error(s)".to_string(),
        other => format!("finding(s) at {} or worse", other.name()),
    };
    Err(Failure::new(
        "lint",
        format!(
            "lint found {failing} {what}: fix them, or accept each with `-- lint: allow CODE reason`"
        ),
    ))
}

/// The findings (suppressed ones with -v), then the summary.
pub(crate) fn print(
    report: &Report,
    databases: &[Database],
    source: LintSource,
    printer: &Printer,
) {
    for entry in &report.entries {
        let f = &entry.finding;
        if f.suppressed.is_some() && !printer.verbose() {
            continue;
        }
        let on: Vec<&str> = entry.databases.iter().map(|d| d.name()).collect();
        let mut text = format!(
            "{}:{}: {} {} {} ({}) in {}{}: {}\n    why: {}\n    instead: {}",
            f.file,
            f.line,
            f.severity.name(),
            f.rule.code,
            f.rule.name,
            on.join(", "),
            f.revision,
            match f.direction {
                Direction::Upgrade => "",
                Direction::Downgrade => " (downgrade)",
            },
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
    printer.json(documents::Lint {
        command: "lint".into(),
        source,
        databases: names.iter().map(|name| name.to_string()).collect(),
        migrations: report.migrations,
        statements: report.statements,
        errors: report.count(Severity::Error),
        warnings: report.count(Severity::Warning),
        infos: report.count(Severity::Info),
        suppressed: report.suppressed(),
        not_built: report.not_built.clone(),
        findings: report.entries.iter().map(finding).collect(),
    });
}

fn finding(entry: &lint::Entry) -> LintFinding {
    let f = &entry.finding;
    LintFinding {
        code: f.rule.code.to_string(),
        rule: f.rule.name.to_string(),
        severity: f.severity.name().to_string(),
        revision: f.revision.clone(),
        direction: f.direction.into(),
        file: f.file.clone(),
        line: f.line,
        databases: entry
            .databases
            .iter()
            .map(|d| d.name().to_string())
            .collect(),
        statement: f.statement.clone(),
        why: f.why.clone(),
        instead: f.instead.clone(),
        suppressed: f.suppressed.clone(),
    }
}

/// `lint: 3 migration(s), 9 statement(s) for postgresql: 0 error(s), 1 warning(s), ...`.
pub(crate) fn summary(report: &Report, databases: &[&str]) -> String {
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
