//! How deep a script nests, measured before it is parsed, so the parser (which recurses) and
//! everything that walks its tree never run out of stack: brackets past Python's own limit and
//! chains of unary signs are refused at their line; a statement whose chain of operators,
//! attributes or calls is too long to walk is blanked to `pass` and remembered, so it becomes a
//! line left to do. A scanner of Python's lexical layer (strings with their prefixes, f-strings
//! with their fields, comments, brackets, logical lines), iterative throughout. Pure. Must not
//! import the parser.

/// The deepest nesting of brackets read, as Python's own tokenizer allows (`too many nested
/// parentheses` past 200).
pub(crate) const MAX_NESTING: usize = 200;

/// The longest run of nested unary signs, and the longest chain of operators, attributes and
/// calls in one expression, that is read.
pub(crate) const MAX_DEPTH: usize = 1000;

/// A statement blanked before parsing because it is too long to walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TooLong {
    /// Its first line.
    pub(super) line: usize,
    /// How it starts, in words: "`op.execute`" or "a statement".
    pub(super) head: String,
}

/// One level of brackets (the statement itself is the first).
#[derive(Default)]
struct Level {
    /// Unary signs in the current run.
    prefix: usize,
    /// Operators, attributes and calls in the current expression.
    chain: usize,
}

/// Where an f-string's scanning is.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Literal,
    Spec,
    Code,
}

struct FString {
    quote: u8,
    triple: bool,
    mode: Mode,
    /// Each open replacement field: the bracket depth it opened, and the mode to return to.
    fields: Vec<(usize, Mode)>,
}

struct Scanner<'t> {
    text: &'t [u8],
    at: usize,
    line: usize,
    levels: Vec<Level>,
    fstrings: Vec<FString>,
    /// The previous token ends an operand (a name, a literal, a closing bracket).
    operand: bool,
    /// The first line and offset of the logical line being read.
    start: Option<(usize, usize)>,
    /// The logical line being read is too long.
    long: bool,
    found: Vec<(TooLong, usize, usize)>,
}

/// Measures `text`: the statements to blank (and the text with them blanked), or the line and
/// the words of a refusal.
pub(super) fn check(text: &str) -> Result<(String, Vec<TooLong>), (usize, String)> {
    let mut scanner = Scanner {
        text: text.as_bytes(),
        at: 0,
        line: 1,
        levels: vec![Level::default()],
        fstrings: Vec::new(),
        operand: false,
        start: None,
        long: false,
        found: Vec::new(),
    };
    while scanner.at < scanner.text.len() {
        scanner.step()?;
    }
    scanner.end_of_logical_line();
    let mut bytes = text.as_bytes().to_vec();
    let mut long = Vec::new();
    for (too_long, start, end) in scanner.found {
        for byte in &mut bytes[start..end] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
        bytes[start..start + 4].copy_from_slice(b"pass");
        long.push(too_long);
    }
    // Only ASCII bytes replaced whole lines' worth of bytes: still UTF-8.
    let blanked = String::from_utf8(bytes).unwrap_or_else(|_| text.to_string());
    Ok((blanked, long))
}

impl Scanner<'_> {
    fn peek(&self, ahead: usize) -> u8 {
        self.text.get(self.at + ahead).copied().unwrap_or(0)
    }

    fn step(&mut self) -> Result<(), (usize, String)> {
        if let Some(fstring) = self.fstrings.last()
            && fstring.mode != Mode::Code
        {
            return self.fstring_text();
        }
        let c = self.peek(0);
        if self.start.is_none() && !matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'#' | b'\x0c') {
            self.start = Some((self.line, self.at));
        }
        match c {
            b'\n' => {
                self.at += 1;
                if self.levels.len() == 1 && self.fstrings.is_empty() {
                    self.end_of_logical_line();
                }
                self.line += 1;
            }
            b'\\' if self.peek(1) == b'\n' => {
                self.at += 2;
                self.line += 1;
            }
            b' ' | b'\t' | b'\r' | b'\x0c' | b'\\' => self.at += 1,
            b'#' => {
                while self.at < self.text.len() && self.peek(0) != b'\n' {
                    self.at += 1;
                }
            }
            b'"' | b'\'' => self.string(false),
            b'0'..=b'9' => self.number(),
            b'.' if self.peek(1).is_ascii_digit() && !self.operand => self.number(),
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => self.word()?,
            _ => self.punctuation(c)?,
        }
        Ok(())
    }

    fn end_of_logical_line(&mut self) {
        if let Some((line, start)) = self.start.take()
            && self.long
        {
            let end = self.at.min(self.text.len());
            let source = String::from_utf8_lossy(&self.text[start..end]);
            let head: String = source
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            let head = match source[head.len()..].trim_start().starts_with('(') {
                true if !head.is_empty() => format!("`{head}`"),
                _ => "a statement".to_string(),
            };
            if end >= start + 4 {
                self.found.push((TooLong { line, head }, start, end));
            }
        }
        self.long = false;
        self.levels = vec![Level::default()];
        self.operand = false;
    }

    fn prefix(&mut self) -> Result<(), (usize, String)> {
        if let Some(level) = self.levels.last_mut() {
            level.prefix += 1;
        }
        if self.levels.iter().map(|l| l.prefix).sum::<usize>() > MAX_DEPTH {
            let line = self.start.map_or(self.line, |(line, _)| line);
            return Err((
                line,
                format!("an expression nested more than {MAX_DEPTH} deep"),
            ));
        }
        Ok(())
    }

    fn chain(&mut self) {
        if let Some(level) = self.levels.last_mut() {
            level.chain += 1;
        }
        if self.levels.iter().map(|l| l.chain).sum::<usize>() > MAX_DEPTH {
            self.long = true;
        }
    }

    fn operand_read(&mut self) {
        if let Some(level) = self.levels.last_mut() {
            level.prefix = 0;
        }
        self.operand = true;
    }

    fn open(&mut self) -> Result<(), (usize, String)> {
        self.levels.push(Level::default());
        if self.levels.len() - 1 > MAX_NESTING {
            return Err((
                self.line,
                format!("brackets nested more than {MAX_NESTING} deep (Python stops there too)"),
            ));
        }
        self.operand = false;
        Ok(())
    }

    fn close(&mut self) {
        if self.levels.len() > 1 {
            self.levels.pop();
        }
        self.operand_read();
    }

    fn punctuation(&mut self, c: u8) -> Result<(), (usize, String)> {
        self.at += 1;
        let field = self
            .fstrings
            .last()
            .and_then(|f| f.fields.last().copied())
            .filter(|(depth, _)| *depth == self.levels.len());
        match c {
            b'(' | b'[' | b'{' => {
                if self.operand {
                    self.chain();
                }
                self.open()?;
            }
            b'}' if field.is_some() => {
                self.close();
                if let Some(fstring) = self.fstrings.last_mut() {
                    let (_, back) = fstring.fields.pop().unwrap_or((0, Mode::Literal));
                    fstring.mode = back;
                }
            }
            b':' if field.is_some() => {
                if let Some(fstring) = self.fstrings.last_mut() {
                    fstring.mode = Mode::Spec;
                }
            }
            b')' | b']' | b'}' => self.close(),
            b',' => {
                if let Some(level) = self.levels.last_mut() {
                    *level = Level::default();
                }
                self.operand = false;
            }
            b';' if self.levels.len() == 1 => self.operand = false,
            b'-' | b'+' | b'~' if !self.operand => self.prefix()?,
            b'.' if self.operand => {
                self.chain();
                self.operand = false;
            }
            b'.' => self.operand_read(),
            _ => {
                if self.operand {
                    self.chain();
                }
                self.operand = false;
            }
        }
        Ok(())
    }

    fn number(&mut self) {
        while self.at < self.text.len() {
            let c = self.peek(0);
            let exponent = matches!(c, b'+' | b'-')
                && matches!(self.text.get(self.at - 1), Some(b'e' | b'E'))
                && !self.text[..self.at].starts_with(b"0x");
            if c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || exponent {
                self.at += 1;
            } else {
                break;
            }
        }
        self.operand_read();
    }

    fn word(&mut self) -> Result<(), (usize, String)> {
        let start = self.at;
        while self.at < self.text.len() {
            let c = self.peek(0);
            if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
                self.at += 1;
            } else {
                break;
            }
        }
        let word = &self.text[start..self.at];
        let lower = word.to_ascii_lowercase();
        let prefix = matches!(
            lower.as_slice(),
            b"r" | b"u" | b"b" | b"f" | b"t" | b"rb" | b"br" | b"fr" | b"rf" | b"tr" | b"rt"
        );
        if prefix && matches!(self.peek(0), b'"' | b'\'') {
            self.string(lower.contains(&b'f') || lower.contains(&b't'));
            return Ok(());
        }
        const OPERATORS: &[&[u8]] = &[
            b"and", b"or", b"not", b"in", b"is", b"if", b"else", b"lambda", b"await",
        ];
        const KEYWORDS: &[&[u8]] = &[
            b"as",
            b"assert",
            b"async",
            b"break",
            b"class",
            b"continue",
            b"def",
            b"del",
            b"elif",
            b"except",
            b"finally",
            b"for",
            b"from",
            b"global",
            b"import",
            b"nonlocal",
            b"pass",
            b"raise",
            b"return",
            b"try",
            b"while",
            b"with",
            b"yield",
        ];
        if OPERATORS.contains(&word) {
            self.chain();
            self.operand = false;
        } else if KEYWORDS.contains(&word) {
            self.operand = false;
        } else {
            self.operand_read();
        }
        Ok(())
    }

    /// A string starting at its quote; an f-string's text is read by [`Self::fstring_text`].
    fn string(&mut self, formatted: bool) {
        let quote = self.peek(0);
        let triple = self.peek(1) == quote && self.peek(2) == quote;
        self.at += if triple { 3 } else { 1 };
        if formatted {
            self.fstrings.push(FString {
                quote,
                triple,
                mode: Mode::Literal,
                fields: Vec::new(),
            });
            return;
        }
        while self.at < self.text.len() {
            if self.string_end(quote, triple) {
                break;
            }
        }
        self.operand_read();
    }

    /// Reads one character of a string's text (or its closing quote): whether it closed.
    fn string_end(&mut self, quote: u8, triple: bool) -> bool {
        let c = self.peek(0);
        if c == quote && (!triple || (self.peek(1) == quote && self.peek(2) == quote)) {
            self.at += if triple { 3 } else { 1 };
            return true;
        }
        if c == b'\n' {
            if !triple {
                // Unterminated: the parser says so; the line ends here.
                return true;
            }
            self.line += 1;
        }
        if c == b'\\' {
            if self.peek(1) == b'\n' {
                self.line += 1;
            }
            self.at += 1;
        }
        self.at += 1;
        false
    }

    /// The text of the innermost f-string: up to its end or its next field.
    fn fstring_text(&mut self) -> Result<(), (usize, String)> {
        let Some(fstring) = self.fstrings.last() else {
            return Ok(());
        };
        let (quote, triple, mode) = (fstring.quote, fstring.triple, fstring.mode);
        match self.peek(0) {
            b'{' if self.peek(1) == b'{' && mode == Mode::Literal => self.at += 2,
            b'}' if self.peek(1) == b'}' && mode == Mode::Literal => self.at += 2,
            b'{' => {
                self.at += 1;
                self.open()?;
                let depth = self.levels.len();
                if let Some(fstring) = self.fstrings.last_mut() {
                    fstring.fields.push((depth, mode));
                    fstring.mode = Mode::Code;
                }
            }
            b'}' if mode == Mode::Spec => {
                self.at += 1;
                self.close();
                if let Some(fstring) = self.fstrings.last_mut() {
                    let (_, back) = fstring.fields.pop().unwrap_or((0, Mode::Literal));
                    fstring.mode = back;
                }
            }
            _ => {
                if self.string_end(quote, triple) || self.at >= self.text.len() {
                    // Its fields' brackets close with it, even when it is unterminated.
                    if let Some(fstring) = self.fstrings.pop() {
                        let opened = fstring.fields.first().map_or(0, |(depth, _)| *depth);
                        if opened > 0 {
                            self.levels.truncate(opened - 1);
                        }
                    }
                    self.operand_read();
                }
            }
        }
        Ok(())
    }
}
