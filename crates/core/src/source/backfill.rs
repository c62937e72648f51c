//! A backfill declared in a SQL file: `-- migrate:backfill [dialect]`, a few `-- Key: value`
//! lines naming the table and its key, then the change as `SET ... [WHERE ...];`. The engine
//! walks the key in batches and runs that change on each one. Must not import the header
//! parser.

use super::section::{ParseError, fault, marker_word};
use crate::database::Database;

/// The target time of one batch when the declaration says nothing.
pub const DEFAULT_BATCH_MILLIS: u64 = 200;

/// One `-- migrate:backfill [dialect]` block, as the file declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackfillText {
    /// `None` for the block that serves every dialect without a variant of its own.
    pub dialect: Option<Database>,
    /// The marker's 1-based line.
    pub marker_line: usize,
    /// `Table`: the table it changes (`table` or `schema.table`).
    pub table: String,
    /// `Key`: its integer key column (the primary key, or a NOT NULL unique key).
    pub key: String,
    /// The assignments after `SET`.
    pub set: String,
    /// The condition after `WHERE`, if any: rows it rejects are walked but not changed.
    pub filter: Option<String>,
    /// `Batch Time`: what one batch should take, in milliseconds.
    pub batch_millis: u64,
    /// `Upper Bound`: the highest key it changes; else the highest when it starts.
    pub upper_bound: Option<i64>,
}

const KEYS: [&str; 4] = ["Table", "Key", "Batch Time", "Upper Bound"];

/// Takes the backfill blocks out of a SQL file's lines: each block's lines become blank, so
/// the sections around it keep their line numbers.
pub(super) fn extract(lines: &mut [&str], start: usize) -> Result<Vec<BackfillText>, ParseError> {
    let mut blocks: Vec<BackfillText> = Vec::new();
    let mut index = start;
    while index < lines.len() {
        let Some(dialect) = backfill_marker(lines[index], index + 1)? else {
            index += 1;
            continue;
        };
        let marker_line = index + 1;
        if let Some(other) = blocks.iter().find(|b| b.dialect == dialect) {
            return Err(fault(
                marker_line,
                format!(
                    "this backfill repeats the one at line {}",
                    other.marker_line
                ),
            ));
        }
        let mut end = index + 1;
        while end < lines.len() && marker_word(lines[end]).is_none() {
            end += 1;
        }
        blocks.push(block(dialect, marker_line, &lines[index + 1..end])?);
        for line in &mut lines[index..end] {
            *line = "";
        }
        index = end;
    }
    Ok(blocks)
}

fn backfill_marker(line: &str, number: usize) -> Result<Option<Option<Database>>, ParseError> {
    let Some(("backfill", rest)) = marker_word(line) else {
        return Ok(None);
    };
    let mut words = rest.split_whitespace();
    let dialect = match words.next() {
        None => None,
        Some(name) => Some(Database::from_name(name).ok_or_else(|| {
            fault(
                number,
                format!(
                    "unknown dialect `{name}`; use one of: {}",
                    Database::ALL.map(Database::name).join(", ")
                ),
            )
        })?),
    };
    if let Some(extra) = words.next() {
        return Err(fault(
            number,
            format!("unexpected `{extra}` after the backfill marker"),
        ));
    }
    Ok(Some(dialect))
}

fn block(
    dialect: Option<Database>,
    marker_line: usize,
    lines: &[&str],
) -> Result<BackfillText, ParseError> {
    let mut fields: Vec<(&str, &str, usize)> = Vec::new();
    let mut change = String::new();
    let mut change_line = 0;
    for (offset, line) in lines.iter().enumerate() {
        let number = marker_line + 1 + offset;
        let trimmed = line.trim();
        if let Some(comment) = trimmed.strip_prefix("--") {
            if let Some((key, value)) = comment.trim().split_once(':')
                && change.is_empty()
                && KEYS.contains(&key.trim())
            {
                let key = key.trim();
                if fields.iter().any(|(k, _, _)| *k == key) {
                    return Err(fault(number, format!("`{key}` is given twice")));
                }
                fields.push((key, value.trim(), number));
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        if change.is_empty() {
            change_line = number;
        }
        change.push_str(line);
        change.push('\n');
    }
    let field = |key: &str| fields.iter().find(|(k, _, _)| *k == key);
    let missing = |key: &str, example: &str| {
        fault(
            marker_line,
            format!("the backfill needs `-- {key}: {example}` under its marker"),
        )
    };
    let (_, table, table_line) = field("Table").ok_or_else(|| missing("Table", "accounts"))?;
    check_name(table, *table_line, "Table", true)?;
    let (_, key, key_line) = field("Key").ok_or_else(|| missing("Key", "id"))?;
    check_name(key, *key_line, "Key", false)?;
    let batch_millis = match field("Batch Time") {
        None => DEFAULT_BATCH_MILLIS,
        Some((_, value, line)) => parse_millis(value).ok_or_else(|| {
            fault(
                *line,
                format!("`Batch Time` takes a duration from 10ms to 60s, as `200ms` or `2s`, not `{value}`"),
            )
        })?,
    };
    let upper_bound = match field("Upper Bound") {
        None => None,
        Some((_, value, line)) => Some(value.parse::<i64>().map_err(|_| {
            fault(
                *line,
                format!("`Upper Bound` takes the highest key to change, an integer, not `{value}`"),
            )
        })?),
    };
    if change.is_empty() {
        return Err(fault(
            marker_line,
            "the backfill has no change; write it as `SET column = expression [WHERE condition];`",
        ));
    }
    let (set, filter) = split_change(&change, change_line)?;
    Ok(BackfillText {
        dialect,
        marker_line,
        table: table.to_string(),
        key: key.to_string(),
        set,
        filter,
        batch_millis,
        upper_bound,
    })
}

/// `name`, or `schema.name` where `qualified`: letters, digits and underscores, as the
/// engine writes it into SQL without quoting anything else.
fn check_name(value: &str, line: usize, key: &str, qualified: bool) -> Result<(), ParseError> {
    let part = |p: &str| {
        !p.is_empty()
            && !p.starts_with(|c: char| c.is_ascii_digit())
            && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    let parts: Vec<&str> = value.split('.').collect();
    let fits = parts.iter().all(|p| part(p)) && (parts.len() == 1 || qualified && parts.len() == 2);
    if fits {
        return Ok(());
    }
    let what = match qualified {
        true => "a table name or `schema.table`",
        false => "one column (the key must be a single integer column)",
    };
    Err(fault(
        line,
        format!("`{key}` takes {what} of letters, digits and underscores, not `{value}`"),
    ))
}

fn parse_millis(value: &str) -> Option<u64> {
    let (number, unit) = value.split_at(value.find(|c: char| !c.is_ascii_digit())?);
    let number: u64 = number.parse().ok()?;
    let millis = match unit.trim() {
        "ms" => number,
        "s" => number.checked_mul(1000)?,
        _ => return None,
    };
    (10..=60_000).contains(&millis).then_some(millis)
}

/// `SET a = b WHERE c;` into `a = b` and `c`: the `WHERE` that counts is the one outside
/// parentheses and quotes (a subquery's is its own).
fn split_change(change: &str, line: usize) -> Result<(String, Option<String>), ParseError> {
    let statements = super::split::split(change, line).map_err(|e| fault(e.line, e.message))?;
    let [statement] = statements.as_slice() else {
        return Err(fault(
            line,
            "the backfill's change is one `SET ... [WHERE ...]`; it ends at its `;`",
        ));
    };
    let text = statement.text.trim().trim_end_matches(';').trim();
    let Some(after_set) = strip_keyword(text, "SET") else {
        return Err(fault(
            line,
            "the backfill's change starts with `SET`, as `SET status = 'active' WHERE status IS NULL;` (the engine writes the UPDATE and the key range)",
        ));
    };
    let (set, filter) = match top_level_where(after_set) {
        Some(at) => (
            after_set[..at].trim(),
            Some(after_set[at + "WHERE".len()..].trim()),
        ),
        None => (after_set.trim(), None),
    };
    if set.is_empty() || filter.is_some_and(str::is_empty) {
        return Err(fault(
            line,
            "the backfill's `SET` and `WHERE` each need something after them",
        ));
    }
    Ok((set.to_string(), filter.map(str::to_string)))
}

fn strip_keyword<'t>(text: &'t str, keyword: &str) -> Option<&'t str> {
    let head = text.get(..keyword.len())?;
    let rest = &text[keyword.len()..];
    (head.eq_ignore_ascii_case(keyword)
        && (rest.is_empty() || rest.starts_with(char::is_whitespace)))
    .then_some(rest)
}

/// The byte offset of the `WHERE` keyword at depth 0, outside quotes.
fn top_level_where(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut quote) = (0usize, None::<u8>);
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        match quote {
            Some(q) if byte == q => quote = None,
            Some(_) => {}
            None => match byte {
                b'\'' | b'"' | b'`' => quote = Some(byte),
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                _ if depth == 0
                    && strip_keyword(&text[index..], "WHERE").is_some()
                    && (index == 0 || !is_word(bytes[index - 1])) =>
                {
                    return Some(index);
                }
                _ => {}
            },
        }
        index += 1;
    }
    None
}

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

#[cfg(test)]
mod tests;
