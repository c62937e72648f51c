//! A fleet's targets list: one URL per line, or `name = url`, either followed by
//! `schema=NAME` for a tenant in a PostgreSQL schema of its own; `#` comments; `${VAR}` from
//! the environment. What would silently change which database a line names is refused by its
//! line: a byte-order mark is dropped, an invisible character is refused, an empty variable
//! too, a server URL must name its database, and one database may not be listed twice under
//! two names. Must not import the command line.

use super::FleetTarget;
use super::identity::identity;
use crate::url::DatabaseUrl;
use aurora_migrate_core::Database;

/// A targets list that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FleetError {
    /// A line that is neither a URL nor `name = url`.
    #[error("line {line} of the targets: {message}")]
    Line {
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// `${VAR}` names a variable the environment does not have.
    #[error("line {line} of the targets names ${{{variable}}}, which the environment does not set")]
    Variable {
        /// The 1-based line.
        line: usize,
        /// The variable.
        variable: String,
    },
    /// `${VAR}` names a variable the environment sets to nothing, which would leave a hole
    /// in the URL (a missing database name connects to the server's default one).
    #[error(
        "line {line} of the targets names ${{{variable}}}, which the environment sets to an empty value; \
         set it, or write the line without it"
    )]
    EmptyVariable {
        /// The 1-based line.
        line: usize,
        /// The variable.
        variable: String,
    },
    /// A character that does not show where the line is read (a zero-width space, a control
    /// character), which would become part of a name or a URL.
    #[error(
        "line {line} of the targets holds an invisible character (U+{code:04X}) that would become part of a name \
         or a URL; remove it"
    )]
    Invisible {
        /// The 1-based line.
        line: usize,
        /// The character's code point.
        code: u32,
    },
    /// A server URL that names no database, so the server's default one would be migrated.
    #[error(
        "line {line} of the targets: the URL names no database, so the server's default database would be used; \
         name it, as in postgres://host/tenant"
    )]
    NoDatabase {
        /// The 1-based line.
        line: usize,
    },
    /// Two targets with one name.
    #[error("line {line} of the targets: the name `{name}` is given twice")]
    Duplicate {
        /// The 1-based line.
        line: usize,
        /// The name.
        name: String,
    },
    /// One database (and schema) listed under two names: it would run twice.
    #[error(
        "line {line} of the targets: `{name}` is the same database as `{first}` (line {first_line}); \
         list each database once"
    )]
    SameDatabase {
        /// The 1-based line of the second.
        line: usize,
        /// Its name.
        name: String,
        /// The 1-based line of the first.
        first_line: usize,
        /// Its name.
        first: String,
    },
    /// No target at all.
    #[error("the targets list names no database")]
    Empty,
}

/// Reads a targets list: `#` starts a comment, blank lines are skipped, and `${VAR}` in a URL
/// is the environment's `VAR` (so a password need not be in the file).
pub fn parse(
    text: &str,
    variable: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<FleetTarget>, FleetError> {
    // An editor's byte-order mark is not part of the first name.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut targets: Vec<FleetTarget> = Vec::new();
    // Each target's database, and the line it came from.
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.split_once('#').map_or(raw, |(before, _)| before).trim();
        if content.is_empty() {
            continue;
        }
        if let Some(c) = content.chars().find(|&c| invisible(c)) {
            return Err(FleetError::Invisible {
                line,
                code: u32::from(c),
            });
        }
        let target = target(content, line, variable)?;
        if targets.iter().any(|t| t.name == target.name) {
            return Err(FleetError::Duplicate {
                line,
                name: target.name,
            });
        }
        if let Some(key) = identity(&target.url) {
            if let Some(first) = seen.iter().position(|(k, _)| *k == key) {
                return Err(FleetError::SameDatabase {
                    line,
                    name: target.name,
                    first_line: seen[first].1,
                    first: targets[first].name.clone(),
                });
            }
            seen.push((key, line));
        } else {
            // A database with no identity (in memory) is never the same as another.
            seen.push((format!("#{line}"), line));
        }
        targets.push(target);
    }
    match targets.is_empty() {
        true => Err(FleetError::Empty),
        false => Ok(targets),
    }
}

/// One line's target, from its content (comment and blanks removed).
fn target(
    content: &str,
    line: usize,
    variable: &dyn Fn(&str) -> Option<String>,
) -> Result<FleetTarget, FleetError> {
    // `name = url`: a name is one bare word, so `${URL} schema=t` or a URL with `=` in its
    // query is a URL.
    let (name, url_text) = match content.split_once('=') {
        Some((name, url))
            if !name.trim().is_empty()
                && !name
                    .trim()
                    .contains(|c: char| c.is_whitespace() || ":/$?".contains(c)) =>
        {
            (Some(name.trim().to_string()), url.trim())
        }
        _ => (None, content),
    };
    // The URL, then its settings: `schema=NAME` (PostgreSQL) puts a tenant in a schema.
    let mut words = url_text.split_whitespace();
    let url_text = expand(words.next().unwrap_or_default(), line, variable)?;
    let refused = |message: String| FleetError::Line { line, message };
    let mut url = DatabaseUrl::parse(&url_text).map_err(|e| refused(e.to_string()))?;
    if url.kind() != Database::Sqlite && !names_database(&url) {
        return Err(FleetError::NoDatabase { line });
    }
    let mut schema = None;
    for word in words {
        match word.split_once('=') {
            Some(("schema", value)) => {
                url = url.with_schema(value).map_err(|e| refused(e.to_string()))?;
                schema = Some(value);
            }
            _ => {
                return Err(refused(format!(
                    "`{word}` after the URL is not a setting; the one setting is schema=NAME"
                )));
            }
        }
    }
    let name = name
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| match schema {
            Some(schema) => format!("{url} schema={schema}"),
            None => url.to_string(),
        });
    Ok(FleetTarget { name, url })
}

/// A character that does not show: a control character other than a tab, or one of
/// Unicode's invisible format characters (soft hyphen, zero-width spaces and joiners,
/// direction marks and overrides, word joiners, byte-order marks).
fn invisible(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
        )
}

/// A server URL names its database: in its path, or (PostgreSQL) as `dbname=`.
fn names_database(url: &DatabaseUrl) -> bool {
    let Ok(parsed) = ::url::Url::parse(url.driver_url()) else {
        return true;
    };
    !parsed.path().trim_matches('/').is_empty()
        || parsed
            .query_pairs()
            .any(|(key, value)| key == "dbname" && !value.is_empty())
}

fn expand(
    text: &str,
    line: usize,
    variable: &dyn Fn(&str) -> Option<String>,
) -> Result<String, FleetError> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').ok_or_else(|| FleetError::Line {
            line,
            message: "`${` without its `}`".to_string(),
        })?;
        let name = &after[..end];
        let value = variable(name).ok_or_else(|| FleetError::Variable {
            line,
            variable: name.to_string(),
        })?;
        if value.trim().is_empty() {
            return Err(FleetError::EmptyVariable {
                line,
                variable: name.to_string(),
            });
        }
        out.push_str(&value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
