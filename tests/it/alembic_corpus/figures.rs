//! The figures of one history on one database, imported by the static converter and through
//! Alembic's offline mode, as the user's guide's table shows them (docs/src/coming-from/
//! alembic-corpus.md), and the table itself: each test checks its own rows and notes there, or
//! rewrites them when `AURORA_UPDATE_DOCS=1`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

/// What one history on one database measured.
#[derive(Debug)]
pub struct Figures {
    pub history: String,
    pub database: String,
    pub scripts: usize,
    /// The directory as shipped: imported, or the refusal.
    pub as_shipped: Option<Result<(), String>>,
    /// Scripts the importer refused even alone.
    pub refused: usize,
    /// Scripts whose upgrade and downgrade for this database were converted whole.
    pub todo_free: usize,
    /// Sections left to do (a `-- migrate:todo` line), replaced by Alembic's SQL.
    pub replaced: usize,
    /// Revisions our runner applied, each compared with Alembic's catalog.
    pub applied: usize,
    /// Objects whose catalog first differs from Alembic's after an upgrade or downgrade the
    /// importer converted whole, and in how many such steps.
    pub silent: usize,
    pub silent_steps: usize,
    /// Our side's failure (files that do not build, a migration that fails).
    pub failure: Option<String>,
    /// Downgrade as far as Alembic, then upgrade again: ok, or what went wrong.
    pub round_trip: Result<(), String>,
    /// history, heads and current agree with Alembic's, both ways.
    pub agree: bool,
    pub renamed_ids: usize,
    pub alembic_up_stop: Option<(String, String)>,
    pub alembic_down_stop: Option<(String, String)>,
    /// The scripts not converted whole, by the reason they were not (offline mode's).
    pub shortfall: BTreeMap<String, usize>,
}

impl Figures {
    pub fn new(history: &str, database: &str, scripts: usize) -> Figures {
        Figures {
            history: history.to_string(),
            database: database.to_string(),
            scripts,
            as_shipped: None,
            refused: 0,
            todo_free: 0,
            replaced: 0,
            applied: 0,
            silent: 0,
            silent_steps: 0,
            failure: None,
            round_trip: Err("not reached".to_string()),
            agree: false,
            renamed_ids: 0,
            alembic_up_stop: None,
            alembic_down_stop: None,
            shortfall: BTreeMap::new(),
        }
    }

    fn percent(&self, n: usize) -> String {
        format!(
            "{n} ({}%)",
            (n * 100).checked_div(self.scripts).unwrap_or(0)
        )
    }

    fn shipped(&self) -> String {
        match &self.as_shipped {
            Some(Ok(())) => "yes".to_string(),
            _ if self.refused > 0 => format!("refused; {} script(s) refused alone", self.refused),
            _ => "refused".to_string(),
        }
    }

    fn applied(&self) -> String {
        match (&self.alembic_up_stop, &self.failure) {
            (_, Some(_)) => format!("{} of {}, then fails", self.applied, self.scripts),
            (Some((at, _)), None) => format!(
                "{} of {} (Alembic stops at {at})",
                self.applied, self.scripts
            ),
            (None, None) => format!("{} of {}", self.applied, self.scripts),
        }
    }

    fn trip(&self) -> String {
        match (&self.failure, &self.round_trip) {
            (Some(_), _) => "not reached".to_string(),
            (None, Ok(())) => "same as Alembic".to_string(),
            (None, Err(_)) => "differs".to_string(),
        }
    }

    fn agreement(&self) -> String {
        match (self.agree, self.renamed_ids) {
            (true, _) => "agree".to_string(),
            (false, 0) => "differ".to_string(),
            (false, n) => format!("differ ({n} id(s) renamed)"),
        }
    }

    fn silence(&self) -> String {
        format!("{} in {} step(s)", self.silent, self.silent_steps)
    }

    /// What went wrong on our side: our failure, the round trip.
    fn ours(&self, who: &str) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(failure) = &self.failure {
            notes.push(format!("{who} {}", code(failure)));
        }
        if let (Err(trip), None) = (&self.round_trip, &self.failure) {
            notes.push(format!("{who} downgrade and upgrade again: {}", code(trip)));
        }
        notes
    }

    /// The notes on what stopped Alembic.
    fn alembic(&self, who: &str) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some((at, error)) = &self.alembic_up_stop {
            notes.push(format!(
                "{who} Alembic itself fails to upgrade {at}: {}",
                code(error)
            ));
        }
        if let Some((at, error)) = &self.alembic_down_stop {
            notes.push(format!(
                "{who} Alembic itself fails to downgrade {at}: {}",
                code(error)
            ));
        }
        notes
    }
}

/// One figure of both imports: once when they agree, else each.
fn both(ours: String, offline: String) -> String {
    if ours == offline {
        ours
    } else {
        format!("{ours}; offline mode: {offline}")
    }
}

/// The table's row for the static import `ours` and the import through offline mode.
pub fn row(ours: &Figures, offline: &Figures) -> String {
    format!(
        "| {} | {} | {} | {} | {} | {} | {}, {} | {} | {}, {} | {} | {} |",
        ours.history,
        ours.database,
        ours.scripts,
        both(ours.shipped(), offline.shipped()),
        ours.percent(ours.todo_free),
        offline.percent(offline.todo_free),
        ours.replaced,
        offline.replaced,
        both(ours.applied(), offline.applied()),
        ours.silence(),
        offline.silence(),
        both(ours.trip(), offline.trip()),
        both(ours.agreement(), offline.agreement()),
    )
}

/// The table's notes: what stopped Alembic, our failures, and why scripts were not converted
/// whole, by the static converter and in offline mode.
pub fn notes(ours: &Figures, offline: &Figures) -> Vec<String> {
    let who = format!("- {} on {}:", ours.history, ours.database);
    let mut notes = ours.alembic(&who);
    notes.extend(ours.ours(&who));
    notes.extend(offline.ours(&format!("{who} (offline mode)")));
    for (figures, how) in [(ours, "the static converter"), (offline, "offline mode")] {
        if figures.shortfall.is_empty() {
            continue;
        }
        let reasons: Vec<String> = figures
            .shortfall
            .iter()
            .map(|(reason, n)| format!("`{reason}` {n}"))
            .collect();
        notes.push(format!(
            "{who} {how} leaves {} script(s) not converted whole, by reason: {}",
            figures.scripts - figures.todo_free,
            reasons.join(", ")
        ));
    }
    notes
}

/// The table's note on a history whose directory `import alembic` refuses.
pub fn refusal(history: &str, import: &Result<(), String>) -> Option<String> {
    let refusal = import.as_ref().err()?;
    Some(format!(
        "- {history}: `import alembic` refuses the directory: {}",
        code(refusal)
    ))
}

/// `text`'s first line, shortened, as inline code.
fn code(text: &str) -> String {
    let line = text
        .lines()
        .next()
        .unwrap_or_default()
        .replace('`', "'")
        .replace('|', "/");
    let short: String = line.chars().take(160).collect();
    format!(
        "`{}{}`",
        short.trim(),
        if line.chars().count() > 160 {
            "..."
        } else {
            ""
        }
    )
}

pub const BEGIN: &str = "<!-- alembic corpus: the test writes this table -->";
pub const END: &str = "<!-- alembic corpus: end -->";
pub const HEADER: &str = "| history | database | scripts | imported as shipped | converted whole (static converter) | converted whole (offline mode) | sections left to do (static, offline) | revisions applied and compared | silent differences (static, offline) | downgrade, upgrade again | history, heads, current |\n|---|---|---|---|---|---|---|---|---|---|---|";

/// The page every history's test rewrites.
const PAGE: &str = "docs/src/coming-from/alembic-corpus.md";

static PAGE_LOCK: Mutex<()> = Mutex::new(());

/// The page's lines for `history` (its rows and notes) must be `rows` and `notes`; with
/// `AURORA_UPDATE_DOCS=1` they are written so.
pub fn check_page(history: &str, rows: &[String], notes: &[String]) {
    let _guard = PAGE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(PAGE);
    let current = std::fs::read_to_string(&path).expect(PAGE);
    let (Some(start), Some(end)) = (current.find(BEGIN), current.find(END)) else {
        panic!("{PAGE} lacks the corpus table's markers:\n{BEGIN}\n{END}");
    };
    let block = &current[start + BEGIN.len()..end];
    let row_prefix = format!("| {history} |");
    let note_prefixes = [format!("- {history}:"), format!("- {history} on ")];
    let mine =
        |l: &&str| l.starts_with(&row_prefix) || note_prefixes.iter().any(|p| l.starts_with(p));
    let mut found: Vec<&str> = block.lines().filter(mine).collect();
    let mut wanted: Vec<&str> = rows.iter().chain(notes).map(String::as_str).collect();
    found.sort();
    wanted.sort();
    if found == wanted {
        return;
    }
    if std::env::var_os("AURORA_UPDATE_DOCS").is_none() {
        panic!(
            "{PAGE}'s corpus table is not what was measured for {history}; run this test with \
             AURORA_UPDATE_DOCS=1 to rewrite it.\nin {PAGE}:\n{}\nmeasured:\n{}",
            found.join("\n"),
            wanted.join("\n")
        );
    }
    let others: Vec<&str> = block.lines().filter(|l| !mine(l)).collect();
    let table_rows = |keep: &dyn Fn(&str) -> bool| -> Vec<String> {
        others
            .iter()
            .filter(|l| keep(l))
            .map(|l| l.to_string())
            .collect()
    };
    // A header line, this one or one of an older table, is not a row.
    let mut all_rows = table_rows(&|l| l.starts_with("| ") && !l.starts_with("| history |"));
    all_rows.extend(rows.iter().cloned());
    all_rows.sort();
    let mut all_notes = table_rows(&|l| l.starts_with("- "));
    all_notes.extend(notes.iter().cloned());
    all_notes.sort();
    let mut text = format!("\n{HEADER}\n{}\n", all_rows.join("\n"));
    if !all_notes.is_empty() {
        text.push_str(&format!("\n{}\n", all_notes.join("\n")));
    }
    let updated = format!(
        "{}{text}{}",
        &current[..start + BEGIN.len()],
        &current[end..]
    );
    std::fs::write(&path, updated).expect(PAGE);
}
