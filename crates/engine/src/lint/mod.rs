//! Lint: what in a migration could take production down, found before it runs. Every
//! statement is read with a real SQL parser in the dialect of its database (a Rust migration
//! in the SQL it renders there), and each finding carries a stable code, a severity, the
//! revision and `file:line`, why it is dangerous on that database and the safe rewrite. The
//! upgrade and the downgrade are both linted. Table sizes, when given, raise or lower a
//! finding. `lint: allow CODE reason` suppresses one. Pure: must not import the drivers or the
//! runner.

mod catalog;
mod codes;
mod ops;
mod rules;

pub use catalog::{Entry, Report, Selection, lint_catalog};

use std::collections::HashMap;

use aurora_migrate_core::source::LintAllow;
use aurora_migrate_core::{Compatibility, Database, Direction, Statement};

/// How bad a finding is; errors fail `lint` and `check --lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; nothing to change.
    Info,
    /// Likely to hurt on a busy or large table; review it.
    Warning,
    /// Fails, or takes production down, as written.
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What a table's size does to a rule's findings (`--with-stats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sizing {
    /// A lock or a rewrite, which lasts as long as the table is large: on an empty or small
    /// table it is `info`, on a large one an `error`.
    Lock,
    /// Data lost: nothing on an empty table (`info`), much on a large one (`error`).
    Data,
    /// About the code that uses the table, or the migration itself: size moves nothing.
    Code,
}

/// A rule: its stable code and name, its usual severity, and what it looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rule {
    /// `L001`, never reused.
    pub code: &'static str,
    /// `index-without-concurrently`.
    pub name: &'static str,
    /// Its severity before table sizes move it.
    pub severity: Severity,
    /// The databases it applies to.
    pub databases: &'static [Database],
    /// One line: what it finds.
    pub summary: &'static str,
    /// What table sizes do to its findings.
    pub sizing: Sizing,
}

/// The sizes of the tables a database holds, by name in lower case, for `--with-stats`.
pub type Stats = HashMap<String, TableSize>;

/// One table's size, as the database's statistics tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TableSize {
    /// Rows, when known.
    pub rows: Option<i64>,
    /// Bytes of the table and its indexes, when known.
    pub bytes: Option<i64>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The rule.
    pub rule: &'static Rule,
    /// Its severity here (table sizes may have moved it).
    pub severity: Severity,
    /// The migration.
    pub revision: String,
    /// Whether the statement is in the upgrade or the downgrade.
    pub direction: Direction,
    /// `migrations/<file>`.
    pub file: String,
    /// The statement's line in the file (1 for a Rust migration or the whole migration).
    pub line: usize,
    /// The database it is about.
    pub database: Database,
    /// The statement's first line.
    pub statement: String,
    /// Why it is dangerous there, with the names and sizes involved.
    pub why: String,
    /// The safe rewrite.
    pub instead: String,
    /// The reason given by the `lint: allow` that accepts it.
    pub suppressed: Option<String>,
}

/// One migration on one database, as the lint reads it.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The revision.
    pub revision: &'a str,
    /// `migrations/<file>`.
    pub file: &'a str,
    /// The database its statements are for.
    pub database: Database,
    /// False for `Transaction: none`.
    pub transactional: bool,
    /// Its `Compatibility`.
    pub compatibility: Compatibility,
    /// Its upgrade's statements on that database.
    pub upgrade: &'a [Statement],
    /// Its downgrade's, when it has one there.
    pub downgrade: Option<&'a [Statement]>,
    /// Its `lint: allow` comments.
    pub allows: &'a [LintAllow],
}

/// Every rule, in code order.
pub fn rules() -> &'static [Rule] {
    &codes::RULES
}

/// The rule with this code or name.
pub fn rule(code_or_name: &str) -> Option<&'static Rule> {
    codes::RULES
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// The findings of one migration on one database, suppressed ones marked.
pub fn lint(subject: &Subject<'_>, stats: Option<&Stats>) -> Vec<Finding> {
    let mut findings = rules::check(subject, stats);
    rules::suppress(subject, &mut findings);
    findings.sort_by(|a, b| {
        (a.direction != Direction::Upgrade, a.line, a.rule.code).cmp(&(
            b.direction != Direction::Upgrade,
            b.line,
            b.rule.code,
        ))
    });
    findings
}

#[cfg(test)]
mod tests;
