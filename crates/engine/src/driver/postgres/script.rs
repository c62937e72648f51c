//! The text of a PostgreSQL step, as the driver sends it and as an offline script prints it:
//! `BEGIN; ...; bookkeeping; COMMIT` in one message, and the session's lock around a script.
//! Pure text: must not touch a connection.

use crate::bookkeeping::Elapsed;
#[cfg(feature = "offline")]
use crate::bookkeeping::Tables;
use crate::driver::Work;
#[cfg(feature = "offline")]
use crate::driver::framing::Script;
#[cfg(feature = "offline")]
use crate::driver::framing::in_transaction;
#[cfg(feature = "offline")]
use crate::sql::literal;

/// Where a step starts inside the transaction of a whole run, for its execution time.
pub(super) const STEP_MARK: &str =
    "SELECT set_config('aurora.step_started', clock_timestamp()::text, true);\n";

#[cfg(feature = "offline")]
/// Where a step outside any transaction starts, for a script: the mark lasts the session.
const SESSION_MARK: &str =
    "SELECT set_config('aurora.step_started', clock_timestamp()::text, false);\n";

/// One transactional step as one message, where each statement starts in it, and how many
/// completions come before the migration's first statement.
pub(crate) struct Batch {
    pub text: String,
    pub starts: Vec<usize>,
    pub leading: usize,
    /// How many statements the text holds, so how many completions it earns in full.
    pub completions: usize,
}

/// `SET LOCAL lock_timeout`, for the step's transaction only.
fn lock_timeout(timeout: std::time::Duration) -> String {
    format!(
        "SET LOCAL lock_timeout = '{}ms';\n",
        timeout.as_millis().max(1)
    )
}

/// A transactional step: `BEGIN; statements; bookkeeping; COMMIT`, or inside the run's
/// transaction the step mark instead of `BEGIN` and no `COMMIT`. Either way the first
/// completion is not one of the migration's statements.
pub(crate) fn step(work: &Work<'_>) -> Batch {
    let enclosed = work.transaction.enclosed;
    let (opening, elapsed, closing) = if enclosed {
        (STEP_MARK, Elapsed::SinceStepMark, "")
    } else {
        ("BEGIN;\n", Elapsed::ServerClock, "COMMIT")
    };
    let mut text = String::from(opening);
    let mut leading = 1;
    if let (Some(guard), false) = (&work.commit.guard, enclosed) {
        text.push_str(guard);
        text.push_str(";\n");
        leading += 1;
    }
    // A later durable commit of the run flushes this one's WAL too (--durability run).
    if !work.commit.durable && !enclosed {
        text.push_str("SET LOCAL synchronous_commit = off;\n");
        leading += 1;
    }
    // Inside the run's transaction a lock timeout would roll back the whole run: none there.
    if let (Some(timeout), false) = (work.lock_timeout, enclosed) {
        text.push_str(&lock_timeout(timeout));
        leading += 1;
    }
    let mut starts = Vec::with_capacity(work.statements.len());
    for statement in work.statements {
        starts.push(text.chars().count());
        text.push_str(&statement.text);
        text.push_str(";\n");
    }
    let bookkeeping = (work.bookkeeping)(elapsed);
    for statement in &bookkeeping {
        text.push_str(statement);
        text.push_str(";\n");
    }
    text.push_str(closing);
    Batch {
        text,
        completions: leading + starts.len() + bookkeeping.len() + usize::from(!closing.is_empty()),
        starts,
        leading,
    }
}

#[cfg(feature = "offline")]
/// The offline form of a step.
pub(crate) fn script_step(work: &Work<'_>) -> String {
    if work.transaction.transactional {
        let mut text = step(work).text;
        if !work.transaction.enclosed {
            text.push_str(";\n");
        }
        return text;
    }
    // `Transaction: none`: each statement with its journal rows as the runner writes them,
    // then the bookkeeping with the journal's removal in a transaction.
    let mut text = String::from(SESSION_MARK);
    let mut bookkeeping = (work.bookkeeping)(Elapsed::SinceStepMark);
    match &work.journal {
        Some(journal) => {
            for (i, statement) in work.statements.iter().enumerate() {
                text.push_str(&crate::driver::framing::journaled_statement(
                    aurora_migrate_core::Database::Postgres,
                    journal,
                    i,
                    &statement.text,
                    runs_alone(&statement.text),
                ));
            }
            bookkeeping.push(
                journal
                    .tables
                    .journal_clear(journal.revision, journal.direction),
            );
        }
        None => {
            for statement in work.statements {
                text.push_str(&statement.text);
                text.push_str(";\n");
            }
        }
    }
    text.push_str(&in_transaction(BEGIN, &bookkeeping));
    text
}

#[cfg(feature = "offline")]
/// Statements PostgreSQL refuses in a transaction block, as a script must know before it runs
/// them (the runner learns it from the server's refusal): concurrent index work, `VACUUM`, and
/// what acts on databases, tablespaces and the server's configuration.
fn runs_alone(text: &str) -> bool {
    let words: Vec<String> = text
        .split_whitespace()
        .take(2)
        .map(str::to_ascii_uppercase)
        .collect();
    let first = crate::sql::first_keyword(text);
    text.to_ascii_uppercase().contains("CONCURRENTLY")
        || first == "VACUUM"
        || matches!(
            words.as_slice(),
            [a, b] if (a == "CREATE" || a == "DROP") && (b == "DATABASE" || b == "TABLESPACE")
                || a == "ALTER" && b == "SYSTEM"
        )
}

/// How a transaction opens on this database.
pub(crate) const BEGIN: &str = "BEGIN";

#[cfg(feature = "offline")]
/// Stops the script (psql with ON_ERROR_STOP) unless the version table holds exactly `rows`
/// (none: base), naming where the database is instead.
pub(crate) fn expect_rows(tables: &Tables, rows: &[&str]) -> String {
    let mut sorted = rows.to_vec();
    sorted.sort();
    let expected = sorted.join(", ");
    let shown = if rows.is_empty() { "<base>" } else { &expected };
    [
        "DO $aurora_expect$".to_string(),
        "DECLARE found text;".to_string(),
        "BEGIN".to_string(),
        format!(
            "  SELECT coalesce(string_agg(version_num, ', ' ORDER BY version_num), '') INTO found FROM {};",
            tables.version_sql()
        ),
        format!("  IF found <> {} THEN", literal(&expected)),
        format!(
            "    RAISE EXCEPTION 'the database is at %, not at {shown}, where this script starts; nothing was \
             changed: make the script for where it is', CASE found WHEN '' THEN '<base>' ELSE found END;"
        ),
        "  END IF;".to_string(),
        "END".to_string(),
        "$aurora_expect$;\n".to_string(),
    ]
    .join("\n")
}

#[cfg(feature = "offline")]
/// The session around a script: the runners' advisory lock, held until the end.
pub(crate) fn script(tables: &Tables) -> Script {
    let key = tables.lock_key();
    Script {
        opening: format!("SELECT pg_advisory_lock({key});\n"),
        begin_run: "BEGIN;\n".into(),
        commit_run: "COMMIT;\n".into(),
        closing: format!("SELECT pg_advisory_unlock({key});\n"),
    }
}
