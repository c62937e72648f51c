//! The rules: each operation of a migration's upgrade judged with what came before it in the
//! same migration (a table it created is new and empty), on its database, with table sizes when
//! given; then the migration as a whole (`rules/migration.rs`); then the suppressions. Pure:
//! must not import the drivers or the runner.

mod migration;

use std::collections::HashSet;

use super::codes::by_code;
use super::ops::{Op, Read, read};
use super::{Finding, Severity, Stats, Subject};
use aurora_migrate_core::{Compatibility, Database, Statement};

/// Row count or size from which a finding on a table becomes an error, and under which an
/// empty table makes it harmless.
const LARGE_ROWS: i64 = 1_000_000;
const LARGE_BYTES: i64 = 1 << 30;

struct Context<'s> {
    subject: &'s Subject<'s>,
    stats: Option<&'s Stats>,
    /// Tables (and types, indexes) this migration created before the statement at hand.
    created: HashSet<String>,
    /// Tables this migration rebuilds: dropped, then another renamed to their name.
    rebuilt: HashSet<String>,
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
        let rule = by_code(code);
        if !rule.databases.contains(&self.subject.database) {
            return;
        }
        let (severity, why) = self.sized(rule.severity, table, why);
        self.findings.push(Finding {
            rule,
            severity,
            revision: self.subject.revision.to_string(),
            file: self.subject.file.to_string(),
            line: statement.line,
            database: self.subject.database,
            statement: first_line(&statement.text),
            why,
            instead,
            suppressed: None,
        });
    }

    /// Table sizes move a finding on a table: an empty one makes it harmless, a large one an
    /// error; either way the reason says how large.
    fn sized(&self, severity: Severity, table: Option<&str>, why: String) -> (Severity, String) {
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
        match () {
            _ if empty && severity != Severity::Error => (Severity::Info, why),
            _ if empty => (Severity::Warning, why),
            _ if large => (Severity::Error, why),
            _ => (severity, why),
        }
    }

    fn existing(&self, table: &str) -> bool {
        !self.created.contains(table)
    }

    fn op(&mut self, statement: &Statement, op: &Op) {
        let database = self.subject.database;
        match op {
            Op::CreateTable { table } => {
                self.created.insert(table.clone());
            }
            Op::CreateType { name } => {
                self.created.insert(name.clone());
            }
            Op::CreateIndex { table, name, concurrently } => {
                self.created.insert(name.clone());
                if *concurrently && self.subject.transactional {
                    self.find("L003", statement, None,
                        "CONCURRENTLY cannot run inside a transaction block: the migration fails".into(),
                        "declare `Transaction: none` in the header and keep the index alone in its migration".into());
                } else if !*concurrently && self.existing(table) {
                    self.find("L001", statement, Some(table),
                        format!("builds the index under a SHARE lock: every write to {table} waits until it is done"),
                        format!("CREATE INDEX CONCURRENTLY {name} ON {table} (...) in a migration with `Transaction: none`"));
                }
            }
            Op::DropIndex { names, concurrently } => {
                let names = names.join(", ");
                if *concurrently && self.subject.transactional {
                    self.find("L003", statement, None,
                        "CONCURRENTLY cannot run inside a transaction block: the migration fails".into(),
                        "declare `Transaction: none` in the header".into());
                } else if !*concurrently && !self.created.contains(&names) {
                    self.find("L002", statement, None,
                        format!("takes an ACCESS EXCLUSIVE lock on the index's table while dropping {names}: reads and writes wait"),
                        format!("DROP INDEX CONCURRENTLY {names} in a migration with `Transaction: none`"));
                }
            }
            Op::DropTable { tables } => {
                let lost: Vec<&String> = tables
                    .iter()
                    .filter(|t| !self.rebuilt.contains(*t) && !self.created.contains(*t))
                    .collect();
                for table in lost {
                    self.find("L010", statement, Some(table),
                        format!("{table} and its rows are gone, and code still deployed that reads it fails"),
                        "first release code that no longer uses the table, then drop it in a later migration (and keep a backup)".into());
                }
            }
            Op::DropType { .. } => {}
            Op::AddColumn { table, column, not_null, default } => {
                if !self.existing(table) {
                    return;
                }
                if *not_null && default.is_none() {
                    let why = match database {
                        Database::Sqlite => format!("SQLite refuses to add NOT NULL column {column} without a default"),
                        _ => format!("adding {column} NOT NULL without a default fails as soon as {table} holds a row"),
                    };
                    self.find("L004", statement, Some(table), why,
                        format!("add {column} with a DEFAULT, or add it nullable, backfill it, then set NOT NULL"));
                }
                if let Some(default) = default.as_deref().filter(|d| is_volatile(d)) {
                    self.find("L005", statement, Some(table),
                        format!("the default {default} is volatile: PostgreSQL rewrites {table} to fill every row, under an exclusive lock"),
                        format!("add {column} without a default (or with a constant one), backfill it in batches, then set the default"));
                }
            }
            Op::DropColumn { table, columns } if self.existing(table) => {
                let columns = columns.join(", ");
                self.find("L011", statement, Some(table),
                    format!("{table}.{columns} and its data are gone, and code still deployed that reads it fails"),
                    "first release code that no longer uses the column, then drop it in a later migration".into());
            }
            Op::ChangeType { table, column, enum_values } if self.existing(table) => match (database, enum_values) {
                (Database::Mysql, Some(_)) => self.find("L015", statement, Some(table),
                    format!("changing the ENUM of {table}.{column} other than by appending values copies the whole table"),
                    "only append values at the end of the ENUM list (an in-place change), or migrate to a lookup table".into()),
                (Database::Mysql, None) => self.find("L006", statement, Some(table),
                    format!("MODIFY/CHANGE of {table}.{column} copies the whole table, blocking writes on older servers"),
                    "add a new column, backfill it, switch the code, then drop the old one".into()),
                _ => self.find("L006", statement, Some(table),
                    format!("changing the type of {table}.{column} rewrites {table} and its indexes under an ACCESS EXCLUSIVE lock (unless it only widens a varchar)"),
                    "add a new column of the new type, backfill it in batches, switch the code, then drop the old one".into()),
            },
            Op::SetNotNull { table, column } if self.existing(table) => {
                self.find("L007", statement, Some(table),
                    format!("SET NOT NULL scans all of {table} under an ACCESS EXCLUSIVE lock"),
                    format!("ADD CONSTRAINT {column}_not_null CHECK ({column} IS NOT NULL) NOT VALID; then VALIDATE CONSTRAINT in a later migration; then SET NOT NULL (which uses the valid check) and drop the check"));
            }
            Op::AddForeignKey { table, not_valid } | Op::AddCheck { table, not_valid } if self.existing(table) && !not_valid => {
                let why = match database {
                    Database::Mysql => format!("adding the constraint to {table} checks every row, and a foreign key copies the table"),
                    _ => format!("validating the constraint scans all of {table} while holding a lock that blocks writes"),
                };
                self.find("L008", statement, Some(table), why,
                    "add it with NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a later migration (which does not block writes)".into());
            }
            Op::AddUnique { table, using_index: false } if self.existing(table) => {
                self.find("L009", statement, Some(table),
                    format!("building the unique index behind the constraint blocks writes to {table}"),
                    "CREATE UNIQUE INDEX CONCURRENTLY first (`Transaction: none`), then ADD CONSTRAINT ... UNIQUE USING INDEX".into());
            }
            Op::DropConstraint { table, name } if self.existing(table) => {
                self.find("L012", statement, Some(table),
                    format!("code still deployed may rely on {name} of {table} (a key it joins on, a check it trusts)"),
                    "drop it once no deployed code relies on it".into());
            }
            Op::RenameTable { from, to } => {
                if self.rebuilt.contains(to) {
                    self.created.insert(to.clone());
                    self.find("L016", statement, Some(to),
                        format!("{to} is rebuilt: every row is copied and the database is locked for writes meanwhile"),
                        "on a large table, rebuild in a quiet window; prefer ALTER TABLE forms SQLite supports in place (ADD COLUMN, RENAME COLUMN, DROP COLUMN)".into());
                } else if self.existing(from) {
                    self.find("L013", statement, Some(from),
                        format!("code still deployed uses {from}, which no longer exists as {to}"),
                        "create the new table and keep both in step (or a view with the old name) until no deployed code uses the old one".into());
                }
            }
            Op::RenameColumn { table, from, to } if self.existing(table) => {
                self.find("L013", statement, Some(table),
                    format!("code still deployed reads and writes {table}.{from}, now {to}"),
                    "add the new column, write both, backfill, switch the code, then drop the old one".into());
            }
            Op::Update { table, filtered: false } | Op::Delete { table, filtered: false } if self.existing(table) => {
                self.find("L017", statement, Some(table),
                    format!("changes every row of {table} in the migration's transaction, holding row locks until it commits"),
                    "move data changes to a separate, batched job; or add a WHERE that bounds them".into());
            }
            _ => {}
        }
    }
}

/// The lint of one migration on one database, before suppressions.
pub(super) fn check(subject: &Subject<'_>, stats: Option<&Stats>) -> Vec<Finding> {
    let reads: Vec<(&Statement, Read)> = subject
        .upgrade
        .iter()
        .map(|s| (s, read(&s.text, subject.database)))
        .collect();
    let mut context = Context {
        subject,
        stats,
        created: HashSet::new(),
        rebuilt: migration::rebuilt(&reads),
        findings: Vec::new(),
    };
    for (statement, read) in &reads {
        match read {
            Ok(ops) => ops.iter().for_each(|op| context.op(statement, op)),
            Err(message) => context.find(
                "L020",
                statement,
                None,
                format!(
                    "the {} parser cannot read it ({message}), so no rule judged it",
                    subject.database.name()
                ),
                "review it by hand, or suppress with `-- lint: allow L020 <why it is safe>`".into(),
            ),
        }
    }
    migration::enum_values_used(&mut context, &reads);
    if subject.compatibility == Compatibility::Expand {
        migration::expand_claim(&mut context, &reads);
    }
    if let Some(downgrade) = subject.downgrade {
        migration::downgrade_leaves(&mut context, &reads, downgrade);
    }
    context.findings
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
