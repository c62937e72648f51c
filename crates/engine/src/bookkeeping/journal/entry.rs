//! The step journal's rows as data: a statement's state, a row read back, the hash that ties
//! a row to its statement's text, and reading a row from its columns. Data only: must not
//! import the drivers or the runner.

use aurora_migrate_core::{Direction, checksum};

/// Where one statement of a journaled migration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StepState {
    /// Recorded before a statement that cannot commit with its record: if no later state
    /// follows, whether it took effect is unknown until it is checked.
    Started,
    /// It took effect (committed with this record, or checked after a run that stopped).
    Done,
    /// The database refused it: it took no effect (on PostgreSQL a refused `CREATE INDEX
    /// CONCURRENTLY` leaves an invalid index, which the next attempt drops first).
    Failed,
}

impl StepState {
    /// The word the journal stores.
    pub fn name(self) -> &'static str {
        match self {
            StepState::Started => "started",
            StepState::Done => "done",
            StepState::Failed => "failed",
        }
    }

    /// The state a stored word names; `None` for a word this program does not write.
    pub fn from_name(name: &str) -> Option<StepState> {
        [StepState::Started, StepState::Done, StepState::Failed]
            .into_iter()
            .find(|state| state.name() == name)
    }
}

/// One row of the journal, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JournalEntry {
    /// The migration.
    pub revision: String,
    /// Which way it ran.
    pub direction: Direction,
    /// The statement's index in the migration, from 0.
    pub step: usize,
    /// The SHA-256 of the statement's text when it ran ([`statement_hash`]).
    pub statement_hash: String,
    /// Where it stands.
    pub state: StepState,
    /// How many times it was started.
    pub attempt: i64,
    /// The database's message when it failed.
    pub error: Option<String>,
    /// How a run that stopped learnt the outcome, when a check found it (`index valid`).
    pub note: Option<String>,
    /// The host and process that ran it.
    pub who: String,
    /// When its last attempt started, as the database wrote it.
    pub started_at: String,
    /// When it finished or failed.
    pub finished_at: Option<String>,
}

/// The hash that ties a journal row to the text of its statement: a statement edited after
/// it ran no longer matches.
pub fn statement_hash(text: &str) -> String {
    checksum::sha256(text.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The columns a journal read selects, in order, each as text where the database allows.
pub(crate) const JOURNAL_COLUMNS: [&str; 11] = [
    "revision",
    "direction",
    "step",
    "statement_hash",
    "state",
    "attempt",
    "error",
    "note",
    "who",
    "started_at",
    "finished_at",
];

/// A journal row from its columns, read as text in [`JOURNAL_COLUMNS`]' order. A row this
/// program did not write (an unknown direction or state) is refused, not guessed at.
pub(crate) fn journal_entry(columns: Vec<Option<String>>) -> Result<JournalEntry, String> {
    let mut columns = columns.into_iter();
    let mut next = || columns.next().flatten();
    let (revision, direction, step, hash, state, attempt) =
        (next(), next(), next(), next(), next(), next());
    let (error, note, who, started_at, finished_at) = (next(), next(), next(), next(), next());
    let revision = revision.ok_or("a step journal row has no revision")?;
    let unreadable = |what: &str, value: Option<String>| {
        format!(
            "the step journal's row for {revision} has {what} `{}`, which this program does not write",
            value.unwrap_or_default()
        )
    };
    Ok(JournalEntry {
        direction: direction
            .as_deref()
            .and_then(Direction::from_name)
            .ok_or_else(|| unreadable("the direction", direction.clone()))?,
        step: number(&step).ok_or_else(|| unreadable("the step", step))?,
        state: state
            .as_deref()
            .and_then(StepState::from_name)
            .ok_or_else(|| unreadable("the state", state.clone()))?,
        attempt: number(&attempt).ok_or_else(|| unreadable("the attempt", attempt))?,
        statement_hash: hash.unwrap_or_default(),
        error,
        note,
        who: who.unwrap_or_default(),
        started_at: started_at.unwrap_or_default(),
        finished_at,
        revision,
    })
}

fn number<T: std::str::FromStr>(value: &Option<String>) -> Option<T> {
    value.as_deref().and_then(|v| v.trim().parse().ok())
}
