//! Parses one migration file (its header, then its sections) into plain data; the build and
//! the engine judge a file by these very rules. Must not import anything but the sections,
//! the statement splitter, refinery's names and the vocabulary (databases, directions, ids).

pub use super::section::{ParseError, SectionText};
use super::section::{fault, is_blank_or_comment, read_sections};
use crate::direction::Direction;
use crate::revision::id::fault as id_fault;

/// The kind of file, known from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `.sql`: sections of SQL.
    Sql,
    /// `.rs`: functions that build portable DDL.
    Rust,
}

impl FileKind {
    /// `None` for files that are not migrations (README, editor backups, ...).
    pub fn from_file_name(name: &str) -> Option<FileKind> {
        if name.ends_with(".sql") {
            Some(FileKind::Sql)
        } else if name.ends_with(".rs") {
            Some(FileKind::Rust)
        } else {
            None
        }
    }

    fn comment_prefix(self) -> &'static str {
        match self {
            FileKind::Sql => "--",
            FileKind::Rust => "//!",
        }
    }
}

/// The header every migration starts with, as Alembic writes it in its scripts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// The first comment line.
    pub message: String,
    /// `Revision ID`.
    pub revision: String,
    /// Its line, for diagnostics.
    pub revision_line: usize,
    /// `Revises`.
    pub revises: Vec<String>,
    /// Its line.
    pub revises_line: usize,
    /// `Branch Labels`.
    pub branch_labels: Vec<String>,
    /// Its line.
    pub branch_labels_line: usize,
    /// `Depends On`.
    pub depends_on: Vec<String>,
    /// Its line.
    pub depends_on_line: usize,
    /// `Create Date`, as written.
    pub create_date: Option<String>,
    /// False for `Transaction: none`.
    pub transactional: bool,
    /// `Compatibility: expand`: the code of the revision before keeps working after it.
    pub compatibility: Compatibility,
    /// `lint: allow CODE reason` lines: suppressions for the whole migration.
    pub lint_allows: Vec<super::allow::LintAllow>,
    /// `Lock Timeout`: how its statements wait for locks.
    pub lock_timeout: LockTimeout,
    /// `Replaces`: the revisions a squash stands for (every one up to where it was squashed).
    pub replaces: Vec<String>,
    /// Its line.
    pub replaces_line: usize,
    /// `Accepted Loss`: a baseline written although its database held objects it does not
    /// rebuild, as its header says (the list follows under the header).
    pub accepted_loss: Option<String>,
    /// `Requires Backfill`: revisions whose backfill must be done before this one runs.
    pub requires_backfill: Vec<String>,
    /// Its line.
    pub requires_backfill_line: usize,
}

/// How a migration's statements wait for the locks they need (`Lock Timeout` in the header).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum LockTimeout {
    /// The runner's schedule: a short timeout, retried with longer ones.
    #[default]
    Runner,
    /// `none`: wait as long as it takes, no retries.
    Off,
    /// The first attempt's timeout, in milliseconds; the retries grow from it.
    FirstMillis(u64),
}

impl LockTimeout {
    /// The longest first timeout, in milliseconds (24 hours): every database takes it
    /// (PostgreSQL's `lock_timeout` stops at about 24 days).
    pub const LONGEST_MILLIS: u64 = 24 * 3600 * 1000;

    /// Reads `none`, `250ms`, `2s` or `1m`, up to 24 hours.
    pub fn parse(value: &str) -> Option<LockTimeout> {
        if value == "none" {
            return Some(LockTimeout::Off);
        }
        let (number, unit) = value.split_at(value.find(|c: char| !c.is_ascii_digit())?);
        let number: u64 = number.parse().ok()?;
        let millis = match unit {
            "ms" => number,
            "s" => number.checked_mul(1000)?,
            "m" => number.checked_mul(60_000)?,
            _ => return None,
        };
        (millis > 0 && millis <= LockTimeout::LONGEST_MILLIS)
            .then_some(LockTimeout::FirstMillis(millis))
    }
}

/// What a revision promises the code that ran before it (`Compatibility` in the header).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Compatibility {
    /// No promise: the previous code may break (the default).
    #[default]
    None,
    /// Only additions the previous code ignores: tables, nullable columns, indexes.
    Expand,
}

impl Compatibility {
    /// The header's spelling: `expand`, or `none`.
    pub fn name(self) -> &'static str {
        match self {
            Compatibility::None => "none",
            Compatibility::Expand => "expand",
        }
    }

    /// Reads the header's spelling back.
    pub fn from_name(name: &str) -> Option<Compatibility> {
        match name {
            "none" => Some(Compatibility::None),
            "expand" => Some(Compatibility::Expand),
            _ => None,
        }
    }
}

/// A parsed migration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The header.
    pub header: Header,
    /// Empty for Rust migrations, whose body is code.
    pub sections: Vec<SectionText>,
    /// `-- migrate:backfill` blocks.
    pub backfills: Vec<super::backfill::BackfillText>,
    /// A refinery file (`V<n>__<name>`): its header is made from the name, and its parents by
    /// the scanner from the other refinery files.
    pub refinery: Option<super::refinery::RefineryName>,
}

/// Parses a file's text. `file_name` is checked against the `Revision ID`.
pub fn parse(file_name: &str, text: &str) -> Result<Parsed, ParseError> {
    let kind = FileKind::from_file_name(file_name)
        .ok_or_else(|| fault(1, "a migration file must end in .sql or .rs"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    if let Some(name) = super::refinery::RefineryName::of_file(file_name) {
        let header = Header {
            message: name.message(),
            revision: name.revision(),
            revision_line: 1,
            transactional: true,
            ..Header::default()
        };
        let sections = match kind {
            FileKind::Sql => super::refinery::sections(&lines)?,
            FileKind::Rust => Vec::new(),
        };
        return Ok(Parsed {
            header,
            sections,
            backfills: Vec::new(),
            refinery: Some(name),
        });
    }
    let (header, body_start) = parse_header(kind, &lines)?;
    check_file_name(file_name, &header)?;
    let (sections, backfills) = match kind {
        FileKind::Sql => {
            let mut lines = lines;
            let backfills = super::backfill::extract(&mut lines, body_start)?;
            let sections = read_sections(&lines, body_start)?;
            check_sections(&sections)?;
            (sections, backfills)
        }
        FileKind::Rust => (Vec::new(), Vec::new()),
    };
    Ok(Parsed {
        header,
        sections,
        backfills,
        refinery: None,
    })
}

fn check_file_name(file_name: &str, header: &Header) -> Result<(), ParseError> {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let id = &header.revision;
    if stem == id
        || stem
            .strip_prefix(id.as_str())
            .is_some_and(|rest| rest.starts_with('_'))
    {
        Ok(())
    } else {
        Err(fault(
            header.revision_line,
            format!(
                "the file name must start with its revision id: rename it to {id}_<slug>.{}, or fix `Revision ID`",
                file_name.rsplit_once('.').map_or("sql", |(_, ext)| ext)
            ),
        ))
    }
}

/// Keys a header may hold; anything else that looks like `Key: value` is a typo.
const KEYS: [&str; 11] = [
    "Revision ID",
    "Revises",
    "Branch Labels",
    "Depends On",
    "Create Date",
    "Transaction",
    "Compatibility",
    "Lock Timeout",
    "Replaces",
    "Accepted Loss",
    "Requires Backfill",
];

fn parse_header(kind: FileKind, lines: &[&str]) -> Result<(Header, usize), ParseError> {
    let prefix = kind.comment_prefix();
    let mut header = Header {
        transactional: true,
        ..Header::default()
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let Some(content) = line.trim_start().strip_prefix(prefix) else {
            break;
        };
        if kind == FileKind::Sql && content.trim_start().starts_with("migrate:") {
            break;
        }
        let number = index + 1;
        let content = content.trim();
        index += 1;
        if index == 1 {
            if key_value(content).is_some_and(|(key, _)| KEYS.contains(&key)) || content.is_empty()
            {
                return Err(fault(
                    1,
                    format!(
                        "the first line must be the message, as `{prefix} Add RPC endpoint to chains table`"
                    ),
                ));
            }
            header.message = content.to_string();
            continue;
        }
        let Some((key, value)) = key_value(content) else {
            continue; // free text under the message
        };
        if key == "lint" {
            let allow = super::allow::parse_allow(value, number).ok_or_else(|| {
                fault(
                    number,
                    format!("`lint:` takes `allow CODE reason`, as `{prefix} lint: allow L010 the table is empty`"),
                )
            })?;
            header.lint_allows.push(allow);
            continue;
        }
        if !KEYS.contains(&key) {
            return Err(fault(
                number,
                format!(
                    "unknown header key `{key}`; the keys are: {}",
                    KEYS.join(", ")
                ),
            ));
        }
        if seen.contains(&key) {
            return Err(fault(number, format!("`{key}` is given twice")));
        }
        seen.push(key);
        apply_key(&mut header, key, value, number)?;
    }
    if header.revision.is_empty() {
        return Err(fault(
            1,
            format!("missing `{prefix} Revision ID: <id>` in the header"),
        ));
    }
    Ok((header, index))
}

/// Splits `Key: value` where the key is words of letters (at most 4), as header keys are.
fn key_value(content: &str) -> Option<(&str, &str)> {
    let (key, value) = content.split_once(':')?;
    let words: Vec<&str> = key.split_whitespace().collect();
    let looks_like_key = !words.is_empty()
        && words.len() <= 4
        && key.trim() == key
        && words
            .iter()
            .all(|w| w.chars().all(|c| c.is_ascii_alphabetic()));
    looks_like_key.then(|| (key, value.trim()))
}

fn apply_key(header: &mut Header, key: &str, value: &str, line: usize) -> Result<(), ParseError> {
    match key {
        "Revision ID" => {
            if let Some(why) = id_fault(value) {
                return Err(fault(line, format!("invalid revision id `{value}`: {why}")));
            }
            header.revision = value.to_string();
            header.revision_line = line;
        }
        "Revises" => {
            header.revises = id_list(value, line, key)?;
            header.revises_line = line;
        }
        "Depends On" => {
            header.depends_on = id_list(value, line, key)?;
            header.depends_on_line = line;
        }
        "Branch Labels" => {
            header.branch_labels = id_list(value, line, key)?;
            header.branch_labels_line = line;
        }
        "Create Date" => header.create_date = Some(value.to_string()),
        "Accepted Loss" => {
            if value.is_empty() {
                return Err(fault(
                    line,
                    "`Accepted Loss` says what a baseline leaves out, as `3 object(s), listed below`"
                        .to_string(),
                ));
            }
            header.accepted_loss = Some(value.to_string());
        }
        "Requires Backfill" => {
            header.requires_backfill = id_list(value, line, key)?;
            header.requires_backfill_line = line;
        }
        "Replaces" => {
            header.replaces = id_list(value, line, key)?;
            header.replaces_line = line;
        }
        "Transaction" => {
            if value != "none" {
                return Err(fault(
                    line,
                    format!(
                        "`Transaction` takes only `none` (run outside a transaction), not `{value}`"
                    ),
                ));
            }
            header.transactional = false;
        }
        "Compatibility" => {
            header.compatibility = match Compatibility::from_name(value) {
                Some(compatibility) => compatibility,
                None => {
                    return Err(fault(
                        line,
                        format!(
                            "`Compatibility` takes `expand` (the previous code keeps working: added tables, nullable columns, indexes) or `none`, not `{value}`"
                        ),
                    ));
                }
            };
        }
        "Lock Timeout" => {
            header.lock_timeout = LockTimeout::parse(value).ok_or_else(|| {
                fault(
                    line,
                    format!(
                        "`Lock Timeout` takes `none` (wait as long as it takes) or the first attempt's timeout, as `250ms`, `2s` or `1m` (at most 1440m), not `{value}`"
                    ),
                )
            })?;
        }
        _ => unreachable!("key checked against KEYS"),
    }
    Ok(())
}

fn id_list(value: &str, line: usize, key: &str) -> Result<Vec<String>, ParseError> {
    let mut ids = Vec::new();
    for id in value.split(',').map(str::trim) {
        if id.is_empty() && !value.trim().is_empty() {
            return Err(fault(
                line,
                format!("`{key}` has an empty entry; separate ids with commas"),
            ));
        }
        if id.is_empty() {
            continue;
        }
        if let Some(why) = id_fault(id) {
            return Err(fault(line, format!("invalid id `{id}` in `{key}`: {why}")));
        }
        if ids.iter().any(|known| known == id) {
            return Err(fault(line, format!("`{id}` is listed twice in `{key}`")));
        }
        ids.push(id.to_string());
    }
    Ok(ids)
}

fn check_sections(sections: &[SectionText]) -> Result<(), ParseError> {
    for direction in [Direction::Upgrade, Direction::Downgrade] {
        let name = match direction {
            Direction::Upgrade => "upgrade",
            Direction::Downgrade => "downgrade",
        };
        if !sections.iter().any(|s| s.direction == direction) {
            return Err(fault(
                1,
                format!("missing `-- migrate:{name}` section (it may be empty for a downgrade)"),
            ));
        }
    }
    Ok(())
}

/// A file ready to ship: its upgrade does something. `create` writes files that are not yet
/// (their author fills them in), so the authoring commands skip this check; the build does not.
pub fn check_complete(parsed: &Parsed) -> Result<(), ParseError> {
    let is_merge = parsed.header.revises.len() > 1;
    for section in parsed
        .sections
        .iter()
        .filter(|s| s.direction == Direction::Upgrade)
    {
        let empty = section.body.lines().all(is_blank_or_comment);
        // A dialect's own section may be empty: nothing to do on that database.
        if empty && !is_merge && section.dialect.is_none() {
            return Err(fault(
                section.marker_line,
                "the upgrade section is empty; write its SQL, or delete the file",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
