//! SQL text: quoting identifiers and literals (the one copy every module uses), reading a
//! statement with the SQL parser, and judging what it destroys. Pure: must not import the
//! drivers or the runner.

pub mod effects;
pub mod reading;

/// A double-quoted identifier, as PostgreSQL, SQLite and MySQL in ANSI_QUOTES read it.
pub fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// A possibly schema-qualified name, each part quoted.
pub fn quote_path(name: &str) -> String {
    name.split('.').map(quote).collect::<Vec<_>>().join(".")
}

/// Names quoted and comma-separated.
#[cfg(feature = "autogenerate")]
pub fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A single-quoted string literal.
pub fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Literals quoted and comma-separated.
pub fn literals(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| literal(v))
        .collect::<Vec<_>>()
        .join(", ")
}
