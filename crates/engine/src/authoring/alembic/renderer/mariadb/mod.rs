//! One `mysql` section serves MySQL and MariaDB, and SQLAlchemy's MySQL dialect renders some
//! operations differently on each (MariaDB's `DROP CONSTRAINT` where MySQL has `DROP CHECK`):
//! a section is Alembic's only where both renderings agree; where they differ, which one a
//! server needs is not known when the file is written, so the section falls back under
//! [`Reason::MysqlMariadbDiffer`]. Pure. Must not import the file system.

use super::Rendered;
use super::result::Outcome;
use crate::authoring::alembic::report::Reason;
use aurora_migrate_core::Database;

/// Keeps in `mysql` (rendered by SQLAlchemy's MySQL dialect for MySQL) what `mariadb` (the same
/// dialect set up for a MariaDB server) rendered alike, and marks every other `mysql` section
/// as one offline mode could not render for both servers.
pub(super) fn agree(mysql: &mut Rendered, mariadb: &Rendered) {
    for (key, outcome) in mysql
        .sections
        .iter_mut()
        .filter(|((_, _, database), _)| *database == Database::Mysql)
    {
        let Outcome::Sql { statements, .. } = &*outcome else {
            // Not rendered for MySQL: the section falls back already.
            continue;
        };
        match mariadb.sections.get(key) {
            Some(same) if alike(same, outcome) => {}
            Some(Outcome::Sql {
                statements: theirs, ..
            }) => {
                let what = differ(statements, theirs);
                *outcome = Outcome::Failed {
                    reason: Reason::MysqlMariadbDiffer,
                    line: None,
                    what,
                };
            }
            Some(Outcome::Failed { reason, line, what }) => {
                *outcome = Outcome::Failed {
                    reason: *reason,
                    line: *line,
                    what: format!("for MariaDB: {what}"),
                };
            }
            None => {
                *outcome = Outcome::Failed {
                    reason: Reason::NotRendered,
                    line: None,
                    what: "Alembic did not load the script as a revision for MariaDB".to_string(),
                };
            }
        }
    }
}

/// Whether two renderings are the same SQL. Alembic creates a table's indexes in the order of
/// a Python set of objects, which differs from one process to the next: a run of index
/// creations (each on a table that exists, none depending on another) is compared as a set.
fn alike(a: &Outcome, b: &Outcome) -> bool {
    match (a, b) {
        (
            Outcome::Sql {
                statements: ours,
                outside_transaction: our_outside,
            },
            Outcome::Sql {
                statements: theirs,
                outside_transaction: their_outside,
            },
        ) => our_outside == their_outside && in_order(ours) == in_order(theirs),
        _ => a == b,
    }
}

/// The statements with each run of index creations sorted.
fn in_order(statements: &[String]) -> Vec<&str> {
    let index = |s: &str| s.starts_with("CREATE INDEX ") || s.starts_with("CREATE UNIQUE INDEX ");
    let mut ordered: Vec<&str> = statements.iter().map(String::as_str).collect();
    let mut start = 0;
    while start < ordered.len() {
        let run = ordered[start..].iter().take_while(|s| index(s)).count();
        ordered[start..start + run].sort_unstable();
        start += run.max(1);
    }
    ordered
}

/// The first statement where the two renderings part.
fn differ(mysql: &[String], mariadb: &[String]) -> String {
    let first = mysql
        .iter()
        .zip(mariadb)
        .find(|(a, b)| a != b)
        .map(|(a, b)| (a.as_str(), b.as_str()));
    let said = |s: &str| super::result::one_line(s);
    match first {
        Some((a, b)) => format!(
            "SQLAlchemy renders it differently for MySQL (`{}`) and for MariaDB (`{}`), and one \
             mysql section serves both",
            said(a),
            said(b)
        ),
        None => format!(
            "SQLAlchemy renders it differently for MySQL ({} statements) and for MariaDB ({} \
             statements), and one mysql section serves both",
            mysql.len(),
            mariadb.len()
        ),
    }
}

#[cfg(test)]
mod tests;
