//! The rules: each operation of a migration's upgrade, then of its downgrade, judged with what
//! came before it in the same direction (a table it created is new and empty), on its
//! database, with table sizes when given; then the migration as a whole (`rules/migration.rs`);
//! then the suppressions. A downgrade is not judged by the rules that only make sense going up:
//! dropping what its upgrade created is what it is for, and renames and dropped constraints
//! there restore what the previous code expects. Pure: must not import the drivers or the
//! runner.

mod loss;
mod maintenance;
mod migration;
mod statement;

use std::collections::HashSet;

use super::codes::by_code;
use super::ops::{Op, Read, read};
use super::{Finding, Severity, Sizing, Stats, Subject};
use aurora_migrate_core::{Compatibility, Direction, Statement};

/// Row count or size from which a finding on a table becomes an error.
const LARGE_ROWS: i64 = 1_000_000;
const LARGE_BYTES: i64 = 1 << 30;
/// Row count and size under which a lock or a rewrite is over in well under a second.
const SMALL_ROWS: i64 = 100_000;
const SMALL_BYTES: i64 = 64 << 20;

struct Context<'s> {
    subject: &'s Subject<'s>,
    stats: Option<&'s Stats>,
    direction: Direction,
    /// Tables, types, indexes, views and columns (`table.column`) this direction created
    /// before the statement at hand.
    created: HashSet<String>,
    /// What the upgrade creates: in the downgrade, dropping it is what a downgrade is for.
    upgrade_created: HashSet<String>,
    /// Tables this direction rebuilds: dropped, then another renamed to their name.
    rebuilt: HashSet<String>,
    /// Each rule and table the upgrade raised: the downgrade reverting it is the same danger,
    /// already reported.
    raised: HashSet<(&'static str, String)>,
    findings: Vec<Finding>,
}

impl Context<'_> {
    fn find(
        &mut self,
        code: &str,
        statement: &Statement,
        table: Option<&str>,
        why: String,
        instead: String,
    ) {
        let severity = by_code(code).severity;
        self.find_at(code, severity, statement, table, why, instead);
    }

    /// A finding at `severity` instead of the rule's usual one.
    fn find_at(
        &mut self,
        code: &str,
        severity: Severity,
        statement: &Statement,
        table: Option<&str>,
        why: String,
        instead: String,
    ) {
        let rule = by_code(code);
        if !rule.databases.contains(&self.subject.database) {
            return;
        }
        if let Some(table) = table {
            let key = (rule.code, table.to_string());
            match self.direction {
                Direction::Upgrade => {
                    self.raised.insert(key);
                }
                Direction::Downgrade if self.raised.contains(&key) => return,
                Direction::Downgrade => {}
            }
        }
        let (severity, why) = self.sized(rule.sizing, severity, table, why);
        self.findings.push(Finding {
            rule,
            severity,
            revision: self.subject.revision.to_string(),
            direction: self.direction,
            file: self.subject.file.to_string(),
            line: statement.line,
            database: self.subject.database,
            statement: first_line(&statement.text),
            why,
            instead,
            suppressed: None,
        });
    }

    /// Table sizes move a finding on a table as its rule says (`Sizing`); the reason then says
    /// how large the table is.
    fn sized(
        &self,
        sizing: Sizing,
        severity: Severity,
        table: Option<&str>,
        why: String,
    ) -> (Severity, String) {
        let (Some(stats), Some(table)) = (self.stats, table) else {
            return (severity, why);
        };
        let Some(size) = stats.get(table) else {
            return (severity, why);
        };
        let mut said = Vec::new();
        if let Some(bytes) = size.bytes {
            said.push(human_bytes(bytes));
        }
        if let Some(rows) = size.rows {
            said.push(format!("{rows} rows"));
        }
        let why = format!("{why} ({table}: {})", said.join(", "));
        let large = size.rows.is_some_and(|r| r >= LARGE_ROWS)
            || size.bytes.is_some_and(|b| b >= LARGE_BYTES);
        let empty = size.rows == Some(0);
        let small =
            size.rows.is_some_and(|r| r < SMALL_ROWS) && size.bytes.is_none_or(|b| b < SMALL_BYTES);
        match (sizing, severity) {
            (Sizing::Code, _) => (severity, why),
            (_, Severity::Error) if empty => (Severity::Warning, why),
            _ if empty => (Severity::Info, why),
            (Sizing::Lock, Severity::Warning) if small => (Severity::Info, why),
            _ if large => (Severity::Error, why),
            _ => (severity, why),
        }
    }

    fn existing(&self, table: &str) -> bool {
        !self.created.contains(table)
    }

    /// Judging the upgrade: the rules about what the running code expects apply.
    fn upward(&self) -> bool {
        self.direction == Direction::Upgrade
    }

    /// In the downgrade, `name` (a table, type, or `table.column`) is the upgrade's own.
    fn upgrade_made(&self, name: &str) -> bool {
        self.direction == Direction::Downgrade && self.upgrade_created.contains(name)
    }
}

/// What one direction's statements create: tables, types, indexes, views, added columns.
fn creations(reads: &[(&Statement, Read)]) -> HashSet<String> {
    let mut created = HashSet::new();
    for op in reads.iter().filter_map(|(_, r)| r.as_ref().ok()).flatten() {
        match op {
            Op::CreateTable { table } => {
                created.insert(table.clone());
            }
            Op::CreateType { name } | Op::CreateView { name } => {
                created.insert(name.clone());
            }
            Op::CreateIndex { name, .. } => {
                created.insert(name.clone());
            }
            Op::AddColumn { table, column, .. } => {
                created.insert(format!("{table}.{column}"));
            }
            _ => {}
        }
    }
    created
}

fn reads<'s>(statements: &'s [Statement], subject: &Subject<'_>) -> Vec<(&'s Statement, Read)> {
    statements
        .iter()
        .map(|s| (s, read(&s.text, subject.database)))
        .collect()
}

/// The lint of one migration on one database, both directions, before suppressions.
pub(super) fn check(subject: &Subject<'_>, stats: Option<&Stats>) -> Vec<Finding> {
    let up = reads(subject.upgrade, subject);
    let down = subject.downgrade.map(|d| reads(d, subject));
    let upgrade_created = creations(&up);
    let mut context = Context {
        subject,
        stats,
        direction: Direction::Upgrade,
        created: HashSet::new(),
        upgrade_created,
        rebuilt: migration::rebuilt(&up),
        raised: HashSet::new(),
        findings: Vec::new(),
    };
    direction(&mut context, &up);
    if subject.compatibility == Compatibility::Expand {
        migration::expand_claim(&mut context, &up);
    }
    if let Some(down) = &down {
        migration::downgrade_leaves(&mut context, &up, down);
        context.direction = Direction::Downgrade;
        context.created = HashSet::new();
        context.rebuilt = migration::rebuilt(down);
        direction(&mut context, down);
    }
    context.findings
}

/// The rules of each statement of one direction, then its enum values.
fn direction(context: &mut Context<'_>, reads: &[(&Statement, Read)]) {
    for (statement, read) in reads {
        match read {
            Ok(ops) => ops.iter().for_each(|op| context.op(statement, op)),
            Err(message) => context.find(
                "L020",
                statement,
                None,
                format!(
                    "the {} parser cannot read it ({message}), so no rule judged it",
                    context.subject.database.name()
                ),
                "review it by hand, or suppress with `-- lint: allow L020 <why it is safe>`".into(),
            ),
        }
    }
    migration::enum_values_used(context, reads);
}

/// The suppressions: a finding its statement's or its header's `lint: allow` names is kept as
/// suppressed; an allow without a reason, or naming no rule, is a finding of its own.
pub(super) fn suppress(subject: &Subject<'_>, findings: &mut Vec<Finding>) {
    for finding in findings.iter_mut() {
        if let Some(allow) = subject.allows.iter().find(|a| {
            (a.statement_line.is_none() || a.statement_line == Some(finding.line))
                && super::rule(&a.code).is_some_and(|r| r.code == finding.rule.code)
        }) {
            finding.suppressed = Some(allow.reason.to_string());
        }
    }
    for allow in subject.allows {
        let problem = match super::rule(&allow.code) {
            None if allow.code.is_empty() => {
                "cannot be read: write `lint: allow CODE reason`".to_string()
            }
            None => format!("names `{}`, which is no rule", allow.code),
            Some(_) if allow.reason.trim().is_empty() => {
                "gives no reason: say why the finding is safe here".into()
            }
            Some(_) => continue,
        };
        let statement = Statement {
            text: format!("lint: allow {}", allow.code).into(),
            line: allow.line,
        };
        findings.push(Finding {
            rule: by_code("L021"),
            severity: Severity::Warning,
            revision: subject.revision.to_string(),
            direction: Direction::Upgrade,
            file: subject.file.to_string(),
            line: allow.line,
            database: subject.database,
            statement: first_line(&statement.text),
            why: format!("this suppression {problem}"),
            instead: "`-- lint: allow CODE why it is safe here`".into(),
            suppressed: None,
        });
    }
}

/// Functions whose value changes per row or call: a default of one fills every row anew.
fn is_volatile(default: &str) -> bool {
    let lower = default.to_ascii_lowercase();
    [
        "random(",
        "gen_random_uuid(",
        "uuid_generate_v",
        "clock_timestamp(",
        "timeofday(",
        "nextval(",
    ]
    .iter()
    .any(|f| lower.contains(f))
}

fn first_line(text: &str) -> String {
    let first = text.lines().next().unwrap_or_default();
    let mut short: String = first.chars().take(120).collect();
    if short.len() < first.len() || text.lines().nth(1).is_some() {
        short.push_str(" ...");
    }
    short
}

fn human_bytes(bytes: i64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < units.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", units[unit])
    }
}
