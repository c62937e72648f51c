//! A statement as the SQL parser reads it (`sqlparser`, in the dialect of its database), with
//! the few PostgreSQL statements the parser lacks known by their words, and anything else it
//! cannot read kept as such, never guessed at. The one reading the production guard and lint
//! share. Pure: must not import the drivers or the runner.

use sqlparser::ast::Statement;
use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer, Word};

use aurora_migrate_core::Database;

/// What the parser made of one statement's text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reading {
    /// Parsed: the statements (one, as a rule).
    Parsed {
        /// The syntax trees.
        statements: Vec<Statement>,
        /// `DROP INDEX CONCURRENTLY`, which the parser reads only without `CONCURRENTLY`.
        drop_concurrently: bool,
    },
    /// A PostgreSQL statement the parser lacks, known by its words.
    Known(Known),
    /// The parser cannot read it: its message.
    Unreadable(String),
}

/// PostgreSQL maintenance statements the parser lacks. None of them removes data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Known {
    /// `CLUSTER [table]`: rewrites the table in index order.
    Cluster {
        /// The table, when named (lower case).
        table: Option<String>,
    },
    /// `REINDEX {INDEX|TABLE|SCHEMA|DATABASE|SYSTEM} [CONCURRENTLY] name`.
    Reindex {
        /// `table orders`, `index ix_x`, ...
        target: String,
        /// With `CONCURRENTLY`.
        concurrently: bool,
    },
    /// `VACUUM (options) [table]`, the form with parentheses.
    Vacuum {
        /// `FULL` among its options.
        full: bool,
        /// The table, when named (lower case).
        table: Option<String>,
    },
}

/// The parser's dialect for `database`.
pub(crate) fn dialect(database: Database) -> Box<dyn Dialect> {
    match database {
        Database::Postgres => Box::new(PostgreSqlDialect {}),
        Database::Sqlite => Box::new(SQLiteDialect {}),
        Database::Mysql => Box::new(MySqlDialect {}),
    }
}

/// Reads one statement's text on `database`.
pub(crate) fn read(text: &str, database: Database) -> Reading {
    let dialect = dialect(database);
    let error = match Parser::parse_sql(dialect.as_ref(), text) {
        Ok(statements) => {
            return Reading::Parsed {
                statements,
                drop_concurrently: false,
            };
        }
        Err(error) => error.to_string(),
    };
    let words = words(dialect.as_ref(), text);
    if database == Database::Postgres
        && let Some(known) = known(&words)
    {
        return Reading::Known(known);
    }
    if let Some(plain) = without_drop_concurrently(dialect.as_ref(), text)
        && let Ok(statements) = Parser::parse_sql(dialect.as_ref(), &plain)
    {
        return Reading::Parsed {
            statements,
            drop_concurrently: true,
        };
    }
    Reading::Unreadable(error)
}

/// The words of a statement, upper-cased, with `(` and `)` kept (quoted names as written).
fn words(dialect: &dyn Dialect, text: &str) -> Vec<String> {
    let Ok(tokens) = Tokenizer::new(dialect, text).tokenize() else {
        return Vec::new();
    };
    tokens
        .iter()
        .filter_map(|t| match t {
            Token::Word(Word {
                value,
                quote_style: None,
                ..
            }) => Some(value.to_ascii_uppercase()),
            Token::Word(Word { value, .. }) => Some(value.clone()),
            Token::LParen => Some("(".into()),
            Token::RParen => Some(")".into()),
            _ => None,
        })
        .collect()
}

fn known(words: &[String]) -> Option<Known> {
    let is = |i: usize, word: &str| words.get(i).is_some_and(|w| w == word);
    // The first word after a parenthesized option list, or at `from`.
    let after_options = |from: usize| -> usize {
        if !is(from, "(") {
            return from;
        }
        words[from..]
            .iter()
            .position(|w| w == ")")
            .map_or(words.len(), |p| from + p + 1)
    };
    match words.first().map(String::as_str) {
        Some("CLUSTER") => {
            let mut at = after_options(1);
            if is(at, "VERBOSE") {
                at += 1;
            }
            Some(Known::Cluster {
                table: words.get(at).map(|w| w.to_ascii_lowercase()),
            })
        }
        Some("REINDEX") => {
            let mut at = after_options(1);
            let kind = words.get(at)?.to_ascii_lowercase();
            at += 1;
            let concurrently = is(at, "CONCURRENTLY");
            if concurrently {
                at += 1;
            }
            let name = words.get(at).map(|w| w.to_ascii_lowercase());
            Some(Known::Reindex {
                target: match name {
                    Some(name) => format!("{kind} {name}"),
                    None => kind,
                },
                concurrently,
            })
        }
        Some("VACUUM") if is(1, "(") => {
            let at = after_options(1);
            Some(Known::Vacuum {
                full: words[1..at].iter().any(|w| w == "FULL"),
                table: words.get(at).map(|w| w.to_ascii_lowercase()),
            })
        }
        _ => None,
    }
}

/// `DROP INDEX CONCURRENTLY ...` without its `CONCURRENTLY`, found by tokens.
fn without_drop_concurrently(dialect: &dyn Dialect, text: &str) -> Option<String> {
    let tokens = Tokenizer::new(dialect, text).tokenize().ok()?;
    let words: Vec<(usize, String)> = tokens
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match t {
            Token::Word(Word { value, .. }) => Some((i, value.to_ascii_uppercase())),
            _ => None,
        })
        .take(3)
        .collect();
    match words.as_slice() {
        [(_, drop), (_, index), (at, concurrently)]
            if drop == "DROP" && index == "INDEX" && concurrently == "CONCURRENTLY" =>
        {
            let kept: String = tokens
                .iter()
                .enumerate()
                .filter(|(i, _)| i != at)
                .map(|(_, t)| t.to_string())
                .collect();
            Some(kept)
        }
        _ => None,
    }
}
