//! Python's lexical layer, as much of it as an Alembic script needs: tokens (names, strings
//! with their prefixes and escapes, numbers, punctuation) grouped into logical lines, which
//! brackets and triple-quoted strings run across and comments end. Pure. Must not import the
//! parser.

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token {
    Name(String),
    Str(String),
    Num(String),
    Op(char),
}

/// The deepest nesting of brackets read, as Python's own tokenizer allows (`too many nested
/// parentheses` past 200): deeper would only exhaust the reader's stack.
pub(super) const MAX_NESTING: i32 = 200;

/// A logical line: its indentation, first line, tokens and source text.
pub(super) struct Logical {
    pub(super) indent: usize,
    pub(super) line: usize,
    pub(super) tokens: Vec<Token>,
    pub(super) source: String,
}

/// Splits the script into logical lines: brackets and triple-quoted strings join physical
/// lines, comments are dropped.
pub(super) fn logical_lines(text: &str) -> Result<Vec<Logical>, (usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let (mut lines, mut i, mut line) = (Vec::new(), 0, 1);
    let mut current: Option<Logical> = None;
    let mut depth = 0i32;
    let mut start_of_source = 0;
    while i < chars.len() {
        let c = chars[i];
        if current.is_none() {
            // The start of a logical line: measure its indentation.
            let mut indent = 0;
            while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                indent += 1;
                i += 1;
            }
            if i >= chars.len() {
                break;
            }
            if chars[i] == '\n' || chars[i] == '\r' || chars[i] == '#' {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                i += 1;
                line += 1;
                continue;
            }
            start_of_source = i;
            current = Some(Logical {
                indent,
                line,
                tokens: Vec::new(),
                source: String::new(),
            });
            continue;
        }
        let logical = current.as_mut().expect("a logical line is open");
        match c {
            '\n' => {
                line += 1;
                i += 1;
                if depth == 0 {
                    let mut done = current.take().expect("open");
                    done.source = chars[start_of_source..i - 1]
                        .iter()
                        .collect::<String>()
                        .trim_end()
                        .to_string();
                    lines.push(done);
                }
            }
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                line += 1;
            }
            ' ' | '\t' | '\r' => i += 1,
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '"' | '\'' => {
                let (value, next, lines_in) =
                    string(&chars, i, false).ok_or((line, "an unterminated string".to_string()))?;
                logical.tokens.push(Token::Str(value));
                line += lines_in;
                i = next;
            }
            c if c.is_ascii_digit() => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_')
                {
                    i += 1;
                }
                logical
                    .tokens
                    .push(Token::Num(chars[start..i].iter().collect()));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let prefix = word.to_ascii_lowercase();
                let is_prefix = matches!(
                    prefix.as_str(),
                    "r" | "u" | "b" | "rb" | "br" | "f" | "rf" | "fr"
                );
                if is_prefix && matches!(chars.get(i), Some('"' | '\'')) {
                    if prefix.contains('f') {
                        return Err((line, "an f-string".to_string()));
                    }
                    let (value, next, lines_in) = string(&chars, i, prefix.contains('r'))
                        .ok_or((line, "an unterminated string".to_string()))?;
                    logical.tokens.push(Token::Str(value));
                    line += lines_in;
                    i = next;
                } else {
                    logical.tokens.push(Token::Name(word));
                }
            }
            c => {
                match c {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => depth -= 1,
                    _ => {}
                }
                if depth > MAX_NESTING {
                    return Err((
                        line,
                        format!(
                            "brackets nested more than {MAX_NESTING} deep (Python stops there too)"
                        ),
                    ));
                }
                logical.tokens.push(Token::Op(c));
                i += 1;
            }
        }
    }
    if let Some(mut done) = current.take() {
        done.source = chars[start_of_source..]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string();
        lines.push(done);
    }
    Ok(lines)
}

/// A string literal starting at `start` (its quote): its value, the index after it, and the
/// newlines inside it.
fn string(chars: &[char], start: usize, raw: bool) -> Option<(String, usize, usize)> {
    let quote = chars[start];
    let triple = chars.get(start + 1) == Some(&quote) && chars.get(start + 2) == Some(&quote);
    let mut i = start + if triple { 3 } else { 1 };
    let (mut value, mut newlines) = (String::new(), 0);
    loop {
        let c = *chars.get(i)?;
        if c == '\n' {
            newlines += 1;
            if !triple {
                return None;
            }
        }
        if c == quote
            && (!triple || (chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote)))
        {
            return Some((value, i + if triple { 3 } else { 1 }, newlines));
        }
        if c == '\\' && !raw {
            let next = *chars.get(i + 1)?;
            match next {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                '\\' => value.push('\\'),
                '\'' => value.push('\''),
                '"' => value.push('"'),
                '\n' => newlines += 1,
                other => {
                    value.push('\\');
                    value.push(other);
                }
            }
            i += 2;
            continue;
        }
        value.push(c);
        i += 1;
    }
}
