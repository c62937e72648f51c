//! Reads what SQLite keeps only in a table's CREATE statement: constraint names, CHECKs
//! (an `col IN ('a', 'b')` check is an enum) and foreign keys. Unnamed constraints get
//! PostgreSQL's default names (`t_c_key`, `t_c_check`, `t_c_fkey`) so both dialects compare.
//! Pure text: must not import sqlx.

use std::collections::BTreeMap;

use crate::schema::model::{Action, Check, ForeignKey, Unique};

/// The constraints of one CREATE TABLE statement.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Constraints {
    pub uniques: Vec<Unique>,
    pub checks: Vec<Check>,
    pub foreign_keys: Vec<ForeignKey>,
    /// Columns whose CHECK limits them to a list of strings.
    pub enums: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Ident(String),
    Str(String),
    Other(char),
}

struct Spanned {
    token: Token,
    start: usize,
    end: usize,
}

fn tokenize(sql: &str) -> Vec<Spanned> {
    let chars: Vec<(usize, char)> = sql.char_indices().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let end_of = |i: usize| chars.get(i).map_or(sql.len(), |&(o, _)| o);
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && chars.get(i + 1).is_some_and(|&(_, n)| n == '-') {
            while i < chars.len() && chars[i].1 != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1).is_some_and(|&(_, n)| n == '*') {
            i += 2;
            while i < chars.len()
                && !(chars[i].1 == '*' && chars.get(i + 1).is_some_and(|&(_, n)| n == '/'))
            {
                i += 1;
            }
            i += 2;
        } else if matches!(c, '\'' | '"' | '`' | '[') {
            let close = if c == '[' { ']' } else { c };
            let mut text = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i].1 == close {
                    if close != ']' && chars.get(i + 1).is_some_and(|&(_, n)| n == close) {
                        text.push(close);
                        i += 2;
                        continue;
                    }
                    break;
                }
                text.push(chars[i].1);
                i += 1;
            }
            i += 1;
            let token = if c == '\'' {
                Token::Str(text)
            } else {
                Token::Ident(text)
            };
            tokens.push(Spanned {
                token,
                start,
                end: end_of(i),
            });
        } else if c.is_alphanumeric() || c == '_' {
            let mut text = String::new();
            while i < chars.len()
                && (chars[i].1.is_alphanumeric() || chars[i].1 == '_' || chars[i].1 == '.')
            {
                text.push(chars[i].1);
                i += 1;
            }
            tokens.push(Spanned {
                token: Token::Word(text),
                start,
                end: end_of(i),
            });
        } else {
            tokens.push(Spanned {
                token: Token::Other(c),
                start,
                end: end_of(i + 1),
            });
            i += 1;
        }
    }
    tokens
}

impl Token {
    fn keyword(&self) -> Option<String> {
        match self {
            Token::Word(w) => Some(w.to_ascii_uppercase()),
            _ => None,
        }
    }

    fn name(&self) -> Option<String> {
        match self {
            Token::Word(w) | Token::Ident(w) => Some(w.clone()),
            _ => None,
        }
    }
}

/// Parses the constraints of `sql`, a `CREATE TABLE` statement of table `table`.
pub(super) fn constraints(table: &str, sql: &str) -> Constraints {
    let tokens = tokenize(sql);
    let mut out = Constraints::default();
    let Some(open) = tokens.iter().position(|t| t.token == Token::Other('(')) else {
        return out;
    };
    let body = items(&tokens[open + 1..]);
    let is_constraint = |item: &[Spanned]| {
        let first = item
            .first()
            .and_then(|t| t.token.keyword())
            .unwrap_or_default();
        matches!(
            first.as_str(),
            "CONSTRAINT" | "PRIMARY" | "UNIQUE" | "CHECK" | "FOREIGN"
        )
    };
    let columns: Vec<String> = body
        .iter()
        .filter(|item| !is_constraint(item))
        .filter_map(|item| item.first().and_then(|t| t.token.name()))
        .collect();
    for item in body {
        let first = item
            .first()
            .and_then(|t| t.token.keyword())
            .unwrap_or_default();
        let is_table_constraint = matches!(
            first.as_str(),
            "CONSTRAINT" | "PRIMARY" | "UNIQUE" | "CHECK" | "FOREIGN"
        );
        if is_table_constraint {
            table_constraint(table, &columns, item, sql, &mut out);
        } else if let Some(column) = item.first().and_then(|t| t.token.name()) {
            column_constraints(table, &column, &item[1..], sql, &mut out);
        }
    }
    number_repeated_check_names(&mut out.checks);
    out
}

/// Splits the body of the table at top-level commas, stopping at its closing parenthesis.
fn items(tokens: &[Spanned]) -> Vec<&[Spanned]> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, spanned) in tokens.iter().enumerate() {
        match spanned.token {
            Token::Other('(') => depth += 1,
            Token::Other(')') if depth == 0 => {
                items.push(&tokens[start..i]);
                return items;
            }
            Token::Other(')') => depth -= 1,
            Token::Other(',') if depth == 0 => {
                items.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&tokens[start..]);
    items
}

/// The tokens inside the parentheses opening at `tokens[0]`, and the index after them.
fn group(tokens: &[Spanned]) -> Option<(&[Spanned], usize)> {
    if tokens.first()?.token != Token::Other('(') {
        return None;
    }
    let mut depth = 0;
    for (i, spanned) in tokens.iter().enumerate() {
        match spanned.token {
            Token::Other('(') => depth += 1,
            Token::Other(')') => {
                depth -= 1;
                if depth == 0 {
                    return Some((&tokens[1..i], i + 1));
                }
            }
            _ => {}
        }
    }
    None
}

fn names(tokens: &[Spanned]) -> Vec<String> {
    tokens.iter().filter_map(|t| t.token.name()).collect()
}

fn text(sql: &str, tokens: &[Spanned]) -> String {
    match (tokens.first(), tokens.last()) {
        (Some(first), Some(last)) => sql[first.start..last.end].to_string(),
        _ => String::new(),
    }
}

fn column_constraints(
    table: &str,
    column: &str,
    tokens: &[Spanned],
    sql: &str,
    out: &mut Constraints,
) {
    let mut name: Option<String> = None;
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i].token.keyword().as_deref() {
            Some("CONSTRAINT") => {
                name = tokens.get(i + 1).and_then(|t| t.token.name());
                i += 2;
                continue;
            }
            Some("UNIQUE") => out.uniques.push(Unique {
                name: name
                    .take()
                    .unwrap_or_else(|| format!("{table}_{column}_key")),
                columns: vec![column.to_string()],
            }),
            Some("CHECK") => {
                if let Some((inner, used)) = group(&tokens[i + 1..]) {
                    match enum_values(column, inner) {
                        Some(values) => {
                            out.enums.insert(column.to_string(), values);
                        }
                        None => out.checks.push(Check {
                            name: name
                                .take()
                                .unwrap_or_else(|| format!("{table}_{column}_check")),
                            expression: format!("({})", text(sql, inner)),
                        }),
                    }
                    i += 1 + used;
                    continue;
                }
            }
            Some("REFERENCES") => {
                let (fk, used) = references(&tokens[i + 1..], vec![column.to_string()]);
                out.foreign_keys.push(ForeignKey {
                    name: name
                        .take()
                        .unwrap_or_else(|| format!("{table}_{column}_fkey")),
                    ..fk
                });
                i += 1 + used;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

fn table_constraint(
    table: &str,
    columns: &[String],
    tokens: &[Spanned],
    sql: &str,
    out: &mut Constraints,
) {
    let (name, rest) = match tokens.first().and_then(|t| t.token.keyword()).as_deref() {
        Some("CONSTRAINT") => (
            tokens.get(1).and_then(|t| t.token.name()),
            tokens.get(2..).unwrap_or_default(),
        ),
        _ => (None, tokens),
    };
    let keyword = rest
        .first()
        .and_then(|t| t.token.keyword())
        .unwrap_or_default();
    let after_key = if matches!(keyword.as_str(), "FOREIGN" | "PRIMARY") {
        2
    } else {
        1
    };
    let Some((inner, used)) = rest.get(after_key..).and_then(group) else {
        return;
    };
    match keyword.as_str() {
        "UNIQUE" => {
            let columns = names(inner);
            let name = name.unwrap_or_else(|| format!("{table}_{}_key", columns.join("_")));
            out.uniques.push(Unique { name, columns });
        }
        "CHECK" => {
            // PostgreSQL's default: named for the one column it uses, else for the table.
            let mut used: Vec<String> = names(inner)
                .into_iter()
                .filter(|n| columns.contains(n))
                .collect();
            used.dedup();
            let default_name = match used.as_slice() {
                [one] => format!("{table}_{one}_check"),
                _ => format!("{table}_check"),
            };
            out.checks.push(Check {
                name: name.unwrap_or(default_name),
                expression: format!("({})", text(sql, inner)),
            });
        }
        "FOREIGN" => {
            let columns = names(inner);
            let default_name = format!("{table}_{}_fkey", columns.join("_"));
            let tail = &rest[after_key + used..];
            if tail.first().and_then(|t| t.token.keyword()).as_deref() == Some("REFERENCES") {
                let (fk, _) = references(&tail[1..], columns);
                out.foreign_keys.push(ForeignKey {
                    name: name.unwrap_or(default_name),
                    ..fk
                });
            }
        }
        _ => {} // PRIMARY KEY: read from the pragmas
    }
}

/// Repeated default names get a number, as PostgreSQL numbers them (`t_check`, `t_check1`).
fn number_repeated_check_names(checks: &mut [Check]) {
    for index in 1..checks.len() {
        let base = checks[index].name.clone();
        let mut number = 0;
        while checks[..index].iter().any(|c| c.name == checks[index].name) {
            number += 1;
            checks[index].name = format!("{base}{number}");
        }
    }
}

/// `table (cols) [ON DELETE action] [ON UPDATE action]`, and how many tokens it used.
fn references(tokens: &[Spanned], columns: Vec<String>) -> (ForeignKey, usize) {
    let ref_table = tokens
        .first()
        .and_then(|t| t.token.name())
        .unwrap_or_default();
    let mut i = 1;
    let mut ref_columns = Vec::new();
    if let Some((inner, used)) = tokens.get(1..).and_then(group) {
        ref_columns = names(inner);
        i += used;
    }
    let (mut on_delete, mut on_update) = (Action::NoAction, Action::NoAction);
    while tokens.get(i).and_then(|t| t.token.keyword()).as_deref() == Some("ON") {
        let event = tokens
            .get(i + 1)
            .and_then(|t| t.token.keyword())
            .unwrap_or_default();
        let first = tokens
            .get(i + 2)
            .and_then(|t| t.token.keyword())
            .unwrap_or_default();
        let (action, used) = match first.as_str() {
            "SET" | "NO" => {
                let second = tokens
                    .get(i + 3)
                    .and_then(|t| t.token.keyword())
                    .unwrap_or_default();
                (Action::parse(&format!("{first} {second}")), 4)
            }
            _ => (Action::parse(&first), 3),
        };
        if event == "DELETE" {
            on_delete = action;
        } else {
            on_update = action;
        }
        i += used;
    }
    (
        ForeignKey {
            name: String::new(),
            columns,
            ref_table,
            ref_columns,
            on_delete,
            on_update,
        },
        i,
    )
}

/// `column IN ('a', 'b', ...)` as the list of strings, if the check is exactly that.
fn enum_values(column: &str, tokens: &[Spanned]) -> Option<Vec<String>> {
    if tokens.first()?.token.name()? != column || tokens.get(1)?.token.keyword()? != "IN" {
        return None;
    }
    let (inner, used) = group(&tokens[2..])?;
    if 2 + used != tokens.len() {
        return None;
    }
    let mut values = Vec::new();
    for (i, spanned) in inner.iter().enumerate() {
        match (&spanned.token, i % 2) {
            (Token::Str(value), 0) => values.push(value.clone()),
            (Token::Other(','), 1) => {}
            _ => return None,
        }
    }
    Some(values)
}

#[cfg(test)]
mod tests;
