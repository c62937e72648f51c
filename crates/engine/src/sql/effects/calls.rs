//! The functions a query run for its effects calls (`SELECT cleanup()`), found among the
//! parser's tokens: a name followed by `(` that is not SQL syntax. Built-ins that change no
//! table are left out; any other function may do anything. Pure: must not import the drivers
//! or the runner.

use sqlparser::tokenizer::{Token, Tokenizer};

use aurora_migrate_core::Database;

use crate::sql::reading::dialect;

/// Words followed by `(` that are syntax, not a call.
const SYNTAX: &[&str] = &[
    "all",
    "and",
    "any",
    "array",
    "as",
    "between",
    "by",
    "case",
    "cast",
    "cube",
    "distinct",
    "else",
    "exists",
    "filter",
    "from",
    "grouping",
    "in",
    "interval",
    "join",
    "lateral",
    "like",
    "not",
    "on",
    "or",
    "over",
    "partition",
    "rollup",
    "row",
    "select",
    "sets",
    "some",
    "then",
    "using",
    "values",
    "when",
    "where",
    "with",
    "within",
];

/// Built-in functions that change no table: what a migration's `SELECT` commonly calls.
const HARMLESS: &[&str] = &[
    "abs",
    "avg",
    "coalesce",
    "concat",
    "count",
    "current_database",
    "current_schema",
    "current_setting",
    "currval",
    "database",
    "date",
    "exists",
    "format",
    "get_lock",
    "greatest",
    "last_insert_id",
    "least",
    "length",
    "lower",
    "max",
    "min",
    "nextval",
    "now",
    "nullif",
    "pg_advisory_lock",
    "pg_advisory_unlock",
    "pg_advisory_xact_lock",
    "pg_notify",
    "pg_sleep",
    "pg_try_advisory_lock",
    "pg_try_advisory_xact_lock",
    "release_lock",
    "round",
    "set_config",
    "setval",
    "sleep",
    "sqlite_version",
    "substr",
    "substring",
    "sum",
    "to_char",
    "trim",
    "upper",
    "version",
];

/// The functions of `text` (a query) whose effects cannot be seen, in order, each once.
pub(super) fn opaque(text: &str, database: Database) -> Vec<String> {
    let dialect = dialect(database);
    let Ok(tokens) = Tokenizer::new(dialect.as_ref(), text).tokenize() else {
        return Vec::new();
    };
    let tokens: Vec<&Token> = tokens
        .iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    let mut found: Vec<String> = Vec::new();
    for (at, token) in tokens.iter().enumerate() {
        let Token::Word(word) = token else { continue };
        if tokens.get(at + 1) != Some(&&Token::LParen) {
            continue;
        }
        let name = word.value.to_ascii_lowercase();
        let qualified = at > 0 && tokens[at - 1] == &Token::Period;
        // `INTO t (a, b)`, `AS t (a, b)`: a name with its columns, not a call.
        let named = at > 0
            && matches!(tokens[at - 1], Token::Word(w)
                if w.quote_style.is_none()
                    && ["into", "as"].contains(&w.value.to_ascii_lowercase().as_str()));
        if named {
            continue;
        }
        let syntax = word.quote_style.is_none() && SYNTAX.contains(&name.as_str());
        if (!syntax && !HARMLESS.contains(&name.as_str()) || qualified)
            && !found.contains(&word.value)
        {
            found.push(word.value.clone());
        }
    }
    found
}
