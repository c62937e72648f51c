//! SQL text: quoting identifiers and literals (the one copy every module uses), reading a
//! statement with the SQL parser, and judging what it destroys. Pure: must not import the
//! drivers or the runner.

pub(crate) mod effects;
#[cfg(feature = "postgres")]
pub(crate) mod index_build;
#[cfg(feature = "mysql")]
pub(crate) mod outcome;
pub(crate) mod reading;

/// A double-quoted identifier, as PostgreSQL, SQLite and MySQL in ANSI_QUOTES read it.
pub(crate) fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// A possibly schema-qualified name, each part quoted.
pub(crate) fn quote_path(name: &str) -> String {
    name.split('.').map(quote).collect::<Vec<_>>().join(".")
}

/// Names quoted and comma-separated.
#[cfg(feature = "autogenerate")]
pub(crate) fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A single-quoted string literal.
pub(crate) fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Literals quoted and comma-separated.
pub(crate) fn literals(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| literal(v))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The statement's first word, upper-cased, past leading comments and whitespace: what kind
/// of statement a database decides it is before parsing the rest.
pub(crate) fn first_keyword(text: &str) -> String {
    without_leading_comments(text)
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// The statement from its first word on, past leading comments and whitespace.
pub(crate) fn without_leading_comments(text: &str) -> &str {
    let mut rest = text.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("--") {
            rest = after
                .split_once('\n')
                .map_or("", |(_, next)| next)
                .trim_start();
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after
                .split_once("*/")
                .map_or("", |(_, next)| next)
                .trim_start();
        } else {
            break;
        }
    }
    rest
}

/// `text` ended with `;` and a new line, on a line of its own when its last line holds a
/// comment (which would swallow the `;`). SQLite keeps a schema statement's text as sent, up to
/// the `;`: a statement is never padded otherwise.
#[cfg(any(feature = "postgres", feature = "sqlite"))]
pub(crate) fn terminated(text: &str) -> String {
    match text.lines().last().is_some_and(|l| l.contains("--")) {
        true => format!("{text}\n;\n"),
        false => format!("{text};\n"),
    }
}
