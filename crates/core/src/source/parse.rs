//! Parses one migration file (header and sections) into plain data; the build and the engine
//! judge a file by these very rules. Must not import anything but the statement splitter and
//! the vocabulary (databases, directions, ids).

use std::fmt;

use crate::database::Database;
use crate::direction::Direction;
use crate::revision::id::is_valid as is_valid_revision_id;

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
    /// Reads `none`, `250ms`, `2s` or `1m`.
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
        (millis > 0).then_some(LockTimeout::FirstMillis(millis))
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

/// One `-- migrate:upgrade [dialect]` or `-- migrate:downgrade [dialect]` block of a SQL file,
/// as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionText {
    /// Which way it moves the schema.
    pub direction: Direction,
    /// `None` for the section that serves every dialect without a variant of its own.
    pub dialect: Option<Database>,
    /// 1-based line of the marker; the body starts on the next line.
    pub marker_line: usize,
    /// The lines after the marker, up to the next marker.
    pub body: String,
}

/// A parsed migration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The header.
    pub header: Header,
    /// Empty for Rust migrations, whose body is code.
    pub sections: Vec<SectionText>,
    /// A refinery file (`V<n>__<name>`): its header is made from the name, and its parents by
    /// the scanner from the other refinery files.
    pub refinery: Option<super::refinery::RefineryName>,
}

/// A fault in a file, at a 1-based line (1 when the fault is the file as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line in the file.
    pub line: usize,
    /// What is wrong, and what to do.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

pub(super) fn fault(line: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: message.into(),
    }
}

/// Parses a file's text. `file_name` is checked against the `Revision ID`.
pub fn parse(file_name: &str, text: &str) -> Result<Parsed, ParseError> {
    let kind = FileKind::from_file_name(file_name)
        .ok_or_else(|| fault(1, "a migration file must end in .sql or .rs"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    if let Some(name) = super::refinery::RefineryName::of_file(file_name) {
        return super::refinery::parse(kind, name, &lines);
    }
    let (header, body_start) = parse_header(kind, &lines)?;
    check_file_name(file_name, &header)?;
    let sections = match kind {
        FileKind::Sql => parse_sections(&lines, body_start)?,
        FileKind::Rust => Vec::new(),
    };
    Ok(Parsed {
        header,
        sections,
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
const KEYS: [&str; 9] = [
    "Revision ID",
    "Revises",
    "Branch Labels",
    "Depends On",
    "Create Date",
    "Transaction",
    "Compatibility",
    "Lock Timeout",
    "Replaces",
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
            if !is_valid_revision_id(value) {
                return Err(fault(
                    line,
                    format!(
                        "invalid revision id `{value}`: use 1 to 32 letters, digits or underscores"
                    ),
                ));
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
                        "`Lock Timeout` takes `none` (wait as long as it takes) or the first attempt's timeout, as `250ms`, `2s` or `1m`, not `{value}`"
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
        if !is_valid_revision_id(id) {
            return Err(fault(
                line,
                format!("invalid id `{id}` in `{key}`: use 1 to 32 letters, digits or underscores"),
            ));
        }
        if ids.iter().any(|known| known == id) {
            return Err(fault(line, format!("`{id}` is listed twice in `{key}`")));
        }
        ids.push(id.to_string());
    }
    Ok(ids)
}

fn parse_sections(lines: &[&str], start: usize) -> Result<Vec<SectionText>, ParseError> {
    let mut sections: Vec<SectionText> = Vec::new();
    for (index, line) in lines.iter().enumerate().skip(start) {
        let number = index + 1;
        if let Some(marker) = section_marker(line, number)? {
            if let Some(other) = sections
                .iter()
                .find(|s| s.direction == marker.0 && s.dialect == marker.1)
            {
                return Err(fault(
                    number,
                    format!("this section repeats the one at line {}", other.marker_line),
                ));
            }
            sections.push(SectionText {
                direction: marker.0,
                dialect: marker.1,
                marker_line: number,
                body: String::new(),
            });
            continue;
        }
        match sections.last_mut() {
            Some(section) => {
                section.body.push_str(line);
                section.body.push('\n');
            }
            None if is_blank_or_comment(line) => {}
            None => {
                return Err(fault(
                    number,
                    "SQL before the first `-- migrate:upgrade` marker; move it into a section",
                ));
            }
        }
    }
    check_sections(&sections)?;
    for section in &sections {
        super::split::split(&section.body, section.marker_line + 1)
            .map_err(|e| fault(e.line, e.message))?;
    }
    Ok(sections)
}

fn is_blank_or_comment(line: &str) -> bool {
    let line = line.trim();
    line.is_empty() || line.starts_with("--")
}

type Marker = (Direction, Option<Database>);

pub(super) fn section_marker(line: &str, number: usize) -> Result<Option<Marker>, ParseError> {
    let Some(rest) = line.trim().strip_prefix("--") else {
        return Ok(None);
    };
    let Some(rest) = rest.trim_start().strip_prefix("migrate:") else {
        return Ok(None);
    };
    let mut words = rest.split_whitespace();
    let direction = match words.next() {
        Some("upgrade") => Direction::Upgrade,
        Some("downgrade") => Direction::Downgrade,
        // What `import alembic` could not convert: the build stops here until it is written.
        Some("todo") => {
            let what = rest
                .trim_start()
                .strip_prefix("todo")
                .unwrap_or_default()
                .trim();
            return Err(fault(
                number,
                format!("left to do by hand after import: {what}"),
            ));
        }
        other => {
            return Err(fault(
                number,
                format!(
                    "unknown section `migrate:{}`; use `-- migrate:upgrade` or `-- migrate:downgrade`, optionally followed by a dialect",
                    other.unwrap_or("")
                ),
            ));
        }
    };
    let dialect = match words.next() {
        None => None,
        Some(name) if Database::from_name(name).is_some() => Database::from_name(name),
        Some(name) => {
            return Err(fault(
                number,
                format!(
                    "unknown dialect `{name}`; use one of: {}",
                    Database::ALL.map(Database::name).join(", ")
                ),
            ));
        }
    };
    if let Some(extra) = words.next() {
        return Err(fault(
            number,
            format!("unexpected `{extra}` after the section marker"),
        ));
    }
    Ok(Some((direction, dialect)))
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
