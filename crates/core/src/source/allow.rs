//! Lint suppressions written in a migration: `-- lint: allow CODE reason` (`//! lint: allow
//! CODE reason` in a Rust header), in the header for the whole migration or in a section for
//! the statement that starts on that line or next. Read with the file; judged by the lint.
//! Must not import the scanner.

use std::borrow::Cow;

use super::split::Statement;

/// One `lint: allow` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintAllow {
    /// The rule's code or name, as written.
    pub code: Cow<'static, str>,
    /// Why the finding is accepted; empty when none was given (itself a finding).
    pub reason: Cow<'static, str>,
    /// The comment's 1-based line in the file.
    pub line: usize,
    /// The line of the statement it covers; `None` in the header: the whole migration.
    pub statement_line: Option<usize>,
}

/// Reads `allow CODE reason` after `lint:`; `None` when the text is not that shape.
pub fn parse_allow(value: &str, line: usize) -> Option<LintAllow> {
    let rest = value.trim().strip_prefix("allow")?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let mut words = rest.trim().splitn(2, char::is_whitespace);
    let code = words.next().filter(|c| !c.is_empty())?;
    Some(LintAllow {
        code: Cow::Owned(code.to_string()),
        reason: Cow::Owned(words.next().unwrap_or_default().trim().to_string()),
        line,
        statement_line: None,
    })
}

/// The suppressions in a section's `body` (whose first line is `first_line` of the file),
/// each tied to the statement that starts on its line or after it.
pub fn in_section(body: &str, first_line: usize, statements: &[Statement]) -> Vec<LintAllow> {
    let mut found = Vec::new();
    for (offset, text) in body.lines().enumerate() {
        let line = first_line + offset;
        let Some(comment) = text.find("--").map(|at| &text[at + 2..]) else {
            continue;
        };
        let Some(value) = comment.trim().strip_prefix("lint:") else {
            continue;
        };
        let covered = statements
            .iter()
            .find(|s| s.line >= line)
            .or_else(|| statements.iter().rev().find(|s| s.line <= line))
            .map(|s| s.line);
        match parse_allow(value, line) {
            Some(allow) => found.push(LintAllow {
                statement_line: covered,
                ..allow
            }),
            // Written like one but not readable: kept with no code, for the lint to report.
            None => found.push(LintAllow {
                code: Cow::Borrowed(""),
                reason: Cow::Borrowed(""),
                line,
                statement_line: covered,
            }),
        }
    }
    found
}
