//! refinery's files in our directory: `V<n>__<name>.sql`, `U<n>__<name>.sql` and refinery's
//! Rust migrations (`V<n>__<name>.rs` with `pub fn migration() -> String`). They need no header:
//! each becomes revision `v<n>`, its message the name with spaces, and the refinery files form
//! a chain in version order (each revises the one before it). A SQL file's text up to its first
//! `-- migrate:` marker is its upgrade; a downgrade exists only when the file gives one with
//! our markers. Must not import the scanner or the header parser.

use super::section::{ParseError, SectionText, fault, read_sections};
use crate::Direction;

/// What a refinery file name says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefineryName {
    /// `V` (versioned) or `U` (unversioned).
    pub prefix: char,
    /// The version.
    pub version: i64,
    /// The name after `__`.
    pub name: String,
}

impl RefineryName {
    /// Reads `V<n>__<name>.sql` (or `.rs`, or `U`); `None` for any other file name.
    pub fn of_file(file_name: &str) -> Option<RefineryName> {
        let stem = file_name
            .strip_suffix(".sql")
            .or_else(|| file_name.strip_suffix(".rs"))?;
        let prefix = stem.chars().next().filter(|c| *c == 'V' || *c == 'U')?;
        let (version, name) = stem[1..].split_once("__")?;
        let valid_name = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
        if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) || !valid_name {
            return None;
        }
        Some(RefineryName {
            prefix,
            version: version.parse().ok()?,
            name: name.to_string(),
        })
    }

    /// The revision id it becomes: `v` and the version, as `v12`.
    pub fn revision(&self) -> String {
        format!("v{}", self.version)
    }

    /// The name refinery knows it by, as `V12__add_users`.
    pub fn stem(&self) -> String {
        format!("{}{}__{}", self.prefix, self.version, self.name)
    }

    /// Its message: the name with spaces.
    pub fn message(&self) -> String {
        self.name.replace('_', " ")
    }
}

/// Where a refinery file's implicit upgrade ends: the first `-- migrate:` marker line (0-based),
/// or the end of the file.
pub fn first_marker(lines: &[&str]) -> usize {
    lines
        .iter()
        .position(|line| {
            line.trim()
                .strip_prefix("--")
                .is_some_and(|rest| rest.trim_start().starts_with("migrate:"))
        })
        .unwrap_or(lines.len())
}

/// A refinery SQL file's sections: its text up to the first marker is its upgrade, and our
/// sections after it (a downgrade, dialect variants) are read as in our files.
pub(super) fn sections(lines: &[&str]) -> Result<Vec<SectionText>, ParseError> {
    let end = first_marker(lines);
    let body: String = lines[..end].iter().map(|l| format!("{l}\n")).collect();
    super::split::split(&body, 1).map_err(|e| fault(e.line, e.message))?;
    let mut sections = vec![SectionText {
        direction: Direction::Upgrade,
        dialect: None,
        marker_line: 0,
        body,
    }];
    let more = read_sections(lines, end)?;
    if let Some(repeated) = more
        .iter()
        .find(|s| s.direction == Direction::Upgrade && s.dialect.is_none())
    {
        return Err(fault(
            repeated.marker_line,
            "a refinery file's SQL before its first marker is its upgrade; this section repeats it",
        ));
    }
    sections.extend(more);
    Ok(sections)
}

#[cfg(test)]
mod tests;
