//! The sections of a SQL migration (`-- migrate:upgrade [dialect]`, `-- migrate:downgrade`)
//! and the fault a file is refused with: what our files and refinery's share, below both
//! parsers. Must not import the header parser.

use std::fmt;

use crate::database::Database;
use crate::direction::Direction;

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

pub(super) fn read_sections(lines: &[&str], start: usize) -> Result<Vec<SectionText>, ParseError> {
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
    for section in &sections {
        super::split::split(&section.body, section.marker_line + 1)
            .map_err(|e| fault(e.line, e.message))?;
    }
    Ok(sections)
}

pub(super) fn is_blank_or_comment(line: &str) -> bool {
    let line = line.trim();
    line.is_empty() || line.starts_with("--")
}

type Marker = (Direction, Option<Database>);

/// The word after `migrate:` on a marker line, and what follows it.
pub(super) fn marker_word(line: &str) -> Option<(&str, &str)> {
    let rest = line
        .trim()
        .strip_prefix("--")?
        .trim_start()
        .strip_prefix("migrate:")?;
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    Some((&rest[..end], &rest[end..]))
}

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
                    "unknown section `migrate:{}`; use `-- migrate:upgrade`, `-- migrate:downgrade` or `-- migrate:backfill`, optionally followed by a dialect",
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
