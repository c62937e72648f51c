//! Splits a SQL section into statements, each with the line it starts on. It knows enough SQL
//! to find the semicolons that end statements: quotes, comments, PostgreSQL dollar quotes and
//! E'' strings, and the `BEGIN ... END` bodies of triggers, MySQL routines and events, and
//! `BEGIN ATOMIC` functions. Must not import anything.

use std::borrow::Cow;

/// One statement of a section, without its trailing semicolon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement's SQL.
    pub text: Cow<'static, str>,
    /// 1-based line in the file where the statement starts.
    pub line: usize,
}

/// An unterminated quote or comment, at the line where it opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    /// 1-based line in the file.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Splits `body`, whose first line is line `first_line` of the file.
pub fn split(body: &str, first_line: usize) -> Result<Vec<Statement>, SplitError> {
    let mut splitter = Splitter {
        chars: body.char_indices().collect(),
        body,
        pos: 0,
        line: first_line,
        statements: Vec::new(),
    };
    splitter.run()?;
    Ok(splitter.statements)
}

struct Splitter<'a> {
    chars: Vec<(usize, char)>,
    body: &'a str,
    pos: usize,
    line: usize,
    statements: Vec<Statement>,
}

impl Splitter<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).map(|&(_, c)| c)
    }

    fn advance(&mut self) {
        if self.peek(0) == Some('\n') {
            self.line += 1;
        }
        self.pos += 1;
    }

    fn offset(&self) -> usize {
        self.chars
            .get(self.pos)
            .map_or(self.body.len(), |&(o, _)| o)
    }

    fn run(&mut self) -> Result<(), SplitError> {
        let mut start: Option<(usize, usize)> = None; // (byte offset, line)
        let mut words: Vec<String> = Vec::new(); // upper-cased words of the statement so far
        let mut depth = 0usize; // open BEGIN/CASE blocks inside a trigger or atomic body
        while let Some(c) = self.peek(0) {
            if c.is_whitespace() {
                self.advance();
                continue;
            }
            if c == '-' && self.peek(1) == Some('-') {
                while self.peek(0).is_some_and(|c| c != '\n') {
                    self.advance();
                }
                continue;
            }
            if c == '/' && self.peek(1) == Some('*') {
                self.block_comment()?;
                continue;
            }
            if start.is_none() {
                if c == ';' {
                    self.advance();
                    continue;
                }
                start = Some((self.offset(), self.line));
            }
            match c {
                ';' if depth == 0 => {
                    self.finish(start.take(), self.offset());
                    words.clear();
                    self.advance();
                }
                '\'' => {
                    let escapes = self.pos > 0
                        && matches!(self.chars[self.pos - 1].1, 'E' | 'e')
                        && !self
                            .pos
                            .checked_sub(2)
                            .is_some_and(|p| is_word_char(self.chars[p].1));
                    self.quoted('\'', escapes)?;
                }
                '"' | '`' => self.quoted(c, false)?,
                '$' if self.dollar_tag().is_some() => self.dollar_quoted()?,
                c if is_word_start(c) => {
                    let word = self.word().to_ascii_uppercase();
                    depth = block_depth(&words, &word, depth);
                    words.push(word);
                }
                _ => self.advance(),
            }
        }
        self.finish(start, self.body.len());
        Ok(())
    }

    fn finish(&mut self, start: Option<(usize, usize)>, end: usize) {
        if let Some((offset, line)) = start {
            let text = self.body[offset..end].trim().to_string();
            if !text.is_empty() {
                self.statements.push(Statement {
                    text: Cow::Owned(text),
                    line,
                });
            }
        }
    }

    fn word(&mut self) -> String {
        let mut word = String::new();
        while let Some(c) = self.peek(0).filter(|&c| is_word_char(c)) {
            word.push(c);
            self.advance();
        }
        word
    }

    fn block_comment(&mut self) -> Result<(), SplitError> {
        let line = self.line;
        let mut nesting = 0;
        while let Some(c) = self.peek(0) {
            if c == '/' && self.peek(1) == Some('*') {
                nesting += 1;
                self.advance();
            } else if c == '*' && self.peek(1) == Some('/') {
                nesting -= 1;
                self.advance();
                if nesting == 0 {
                    self.advance();
                    return Ok(());
                }
            }
            self.advance();
        }
        Err(SplitError {
            line,
            message: "unterminated /* comment".to_string(),
        })
    }

    fn quoted(&mut self, quote: char, backslash_escapes: bool) -> Result<(), SplitError> {
        let line = self.line;
        self.advance();
        while let Some(c) = self.peek(0) {
            if backslash_escapes && c == '\\' {
                self.advance();
            } else if c == quote {
                if self.peek(1) == Some(quote) {
                    self.advance();
                } else {
                    self.advance();
                    return Ok(());
                }
            }
            self.advance();
        }
        Err(SplitError {
            line,
            message: format!("unterminated {quote} quote"),
        })
    }

    /// The `$tag$` starting here, if this `$` opens a dollar quote.
    fn dollar_tag(&self) -> Option<String> {
        if self.pos > 0 && is_word_char(self.chars[self.pos - 1].1) {
            return None; // `$` inside an identifier such as `a$b`
        }
        let mut tag = String::from("$");
        let mut ahead = 1;
        loop {
            let c = self.peek(ahead)?;
            if c == '$' {
                tag.push('$');
                return Some(tag);
            }
            if !(c.is_alphanumeric() || c == '_') || (ahead == 1 && c.is_ascii_digit()) {
                return None;
            }
            tag.push(c);
            ahead += 1;
        }
    }

    fn dollar_quoted(&mut self) -> Result<(), SplitError> {
        let line = self.line;
        let tag: Vec<char> = self.dollar_tag().unwrap_or_default().chars().collect();
        for _ in 0..tag.len() {
            self.advance();
        }
        while self.peek(0).is_some() {
            if (0..tag.len()).all(|i| self.peek(i) == Some(tag[i])) {
                for _ in 0..tag.len() {
                    self.advance();
                }
                return Ok(());
            }
            self.advance();
        }
        Err(SplitError {
            line,
            message: format!(
                "unterminated dollar quote {}",
                tag.iter().collect::<String>()
            ),
        })
    }
}

fn is_word_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Tracks `BEGIN ... END` nesting, but only inside statements whose body may hold semicolons:
/// `CREATE TRIGGER` (SQLite, MySQL), MySQL's `CREATE PROCEDURE`, `FUNCTION` and `EVENT` with
/// compound bodies, and SQL-standard `BEGIN ATOMIC` function bodies. MySQL closes its other
/// blocks with `END IF`, `END LOOP`, `END WHILE`, `END REPEAT` and `END CASE`: such an `END`
/// closes no `BEGIN`, and the word after it gives back what the `END` took.
fn block_depth(words: &[String], word: &str, depth: usize) -> usize {
    let is_create = words.first().is_some_and(|w| w == "CREATE");
    let has_body = words
        .iter()
        .take(6)
        .any(|w| matches!(w.as_str(), "TRIGGER" | "PROCEDURE" | "FUNCTION" | "EVENT"));
    if !(is_create && has_body) {
        return depth;
    }
    let after_end = words.last().is_some_and(|w| w == "END");
    match word {
        "BEGIN" => depth + 1,
        // `END CASE`: the END closed the CASE already.
        "CASE" if after_end => depth,
        "CASE" if depth > 0 => depth + 1,
        "IF" | "LOOP" | "WHILE" | "REPEAT" if after_end => depth + 1,
        "END" if depth > 0 => depth - 1,
        _ => depth,
    }
}

#[cfg(test)]
mod tests;
