//! Reads the part of Python an Alembic script is written in: the module docstring, top-level
//! assignments of literals (`revision = "ae10"`, tuples, `None`), and the statements of
//! `upgrade()` and `downgrade()`, each kept with its source text and line so what is not
//! understood can be shown as it was. Not a Python interpreter: a call of literals, names and
//! calls is an expression; anything else (`if`, loops, assignments in a body) is a statement
//! whose meaning is left to the reader. Pure. Must not import the file system.

/// A value written in the script.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string literal (adjacent literals joined).
    Str(String),
    /// A number, as written.
    Num(String),
    /// A name, dotted: `sa.Integer`, `None`, `True`.
    Name(String),
    /// `func(args, key=value)`, where `func` is a dotted name.
    Call {
        /// The dotted name called.
        func: String,
        /// Positional arguments.
        args: Vec<Value>,
        /// Keyword arguments, in order.
        kwargs: Vec<(String, Value)>,
    },
    /// A tuple or a list.
    Seq(Vec<Value>),
}

impl Value {
    /// The keyword argument `key`.
    pub fn kwarg<'a>(kwargs: &'a [(String, Value)], key: &str) -> Option<&'a Value> {
        kwargs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The string it holds, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// One statement of a function body.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The 1-based line it starts on in the script.
    pub line: usize,
    /// Its source text, as written.
    pub source: String,
    /// What it is, when it is one expression.
    pub expression: Option<Value>,
}

/// What a script says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Script {
    /// The module docstring.
    pub docstring: Option<String>,
    /// Top-level `name = value` assignments.
    pub assignments: Vec<(String, Value)>,
    /// The statements of `upgrade()`; `None` when there is no such function.
    pub upgrade: Option<Vec<Statement>>,
    /// The statements of `downgrade()`.
    pub downgrade: Option<Vec<Statement>>,
}

impl Script {
    /// The value assigned to `name` at the top level.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.assignments
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Str(String),
    Num(String),
    Op(char),
}

/// A logical line: its indentation, first line, tokens and source text.
struct Logical {
    indent: usize,
    line: usize,
    tokens: Vec<Token>,
    source: String,
}

/// Reads a script; an error is a line and what could not be read there.
pub fn read(text: &str) -> Result<Script, (usize, String)> {
    let lines = logical_lines(text)?;
    let mut script = Script::default();
    let mut index = 0;
    while index < lines.len() {
        let logical = &lines[index];
        index += 1;
        if logical.indent > 0 {
            continue;
        }
        match logical.tokens.as_slice() {
            [Token::Str(doc)] if script.docstring.is_none() && script.assignments.is_empty() => {
                script.docstring = Some(doc.clone());
            }
            [Token::Name(def), Token::Name(name), ..] if def == "def" => {
                let mut body = Vec::new();
                // `def upgrade(): pass` on one line.
                if let Some(colon) = last_colon(&logical.tokens)
                    && colon + 1 < logical.tokens.len()
                {
                    let rest = logical.tokens[colon + 1..].to_vec();
                    body.push(statement(logical.line, &logical.source, &rest));
                }
                while index < lines.len() && lines[index].indent > 0 {
                    let inner = &lines[index];
                    let indent = inner.indent;
                    index += 1;
                    // A compound statement (`if ...:`) takes its deeper lines with it.
                    let mut source = inner.source.clone();
                    let compound = inner.tokens.last() == Some(&Token::Op(':'));
                    while compound && index < lines.len() && lines[index].indent > indent {
                        source.push('\n');
                        source.push_str(&" ".repeat(lines[index].indent - indent));
                        source.push_str(&lines[index].source);
                        index += 1;
                    }
                    body.push(match compound {
                        true => Statement {
                            line: inner.line,
                            source,
                            expression: None,
                        },
                        false => statement(inner.line, &inner.source, &inner.tokens),
                    });
                }
                match name.as_str() {
                    "upgrade" => script.upgrade = Some(body),
                    "downgrade" => script.downgrade = Some(body),
                    _ => {}
                }
            }
            tokens => {
                if let Some((name, value)) = assignment(tokens) {
                    script.assignments.push((name, value));
                }
            }
        }
    }
    Ok(script)
}

fn last_colon(tokens: &[Token]) -> Option<usize> {
    let mut depth = 0i32;
    let mut found = None;
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Op('(' | '[' | '{') => depth += 1,
            Token::Op(')' | ']' | '}') => depth -= 1,
            Token::Op(':') if depth == 0 => {
                found = Some(i);
                break;
            }
            _ => {}
        }
    }
    found
}

fn statement(line: usize, source: &str, tokens: &[Token]) -> Statement {
    let mut parser = Parser { tokens, at: 0 };
    let expression = parser.expression().filter(|_| parser.at == tokens.len());
    Statement {
        line,
        source: source.to_string(),
        expression,
    }
}

/// `name = value` or `name: Type = value`.
fn assignment(tokens: &[Token]) -> Option<(String, Value)> {
    let Token::Name(name) = tokens.first()? else {
        return None;
    };
    let mut depth = 0i32;
    let equals = tokens.iter().position(|t| {
        match t {
            Token::Op('(' | '[') => depth += 1,
            Token::Op(')' | ']') => depth -= 1,
            _ => {}
        }
        depth == 0 && *t == Token::Op('=')
    })?;
    let rest = &tokens[equals + 1..];
    let mut parser = Parser {
        tokens: rest,
        at: 0,
    };
    let value = parser.expression()?;
    (parser.at == rest.len()).then(|| (name.clone(), value))
}

struct Parser<'t> {
    tokens: &'t [Token],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, op: char) -> bool {
        let found = self.peek() == Some(&Token::Op(op));
        if found {
            self.at += 1;
        }
        found
    }

    fn expression(&mut self) -> Option<Value> {
        match self.peek()?.clone() {
            Token::Str(_) => {
                let mut text = String::new();
                while let Some(Token::Str(s)) = self.peek() {
                    text.push_str(s);
                    self.at += 1;
                }
                Some(Value::Str(text))
            }
            Token::Num(n) => {
                self.at += 1;
                Some(Value::Num(n))
            }
            Token::Op('-') => {
                self.at += 1;
                match self.expression()? {
                    Value::Num(n) => Some(Value::Num(format!("-{n}"))),
                    _ => None,
                }
            }
            Token::Op(open @ ('(' | '[')) => {
                self.at += 1;
                let close = if open == '(' { ')' } else { ']' };
                let mut items = Vec::new();
                while !self.eat(close) {
                    items.push(self.expression()?);
                    if !self.eat(',') && self.peek() != Some(&Token::Op(close)) {
                        return None;
                    }
                }
                // `(x)` is x; `(x,)` and `[x]` are sequences.
                Some(match (open, items.len()) {
                    ('(', 1) if self.tokens[self.at - 2] != Token::Op(',') => items.remove(0),
                    _ => Value::Seq(items),
                })
            }
            Token::Name(first) => {
                self.at += 1;
                let mut name = first;
                while self.eat('.') {
                    match self.peek()? {
                        Token::Name(part) => name = format!("{name}.{part}"),
                        _ => return None,
                    }
                    self.at += 1;
                }
                if !self.eat('(') {
                    return Some(Value::Name(name));
                }
                let (mut args, mut kwargs) = (Vec::new(), Vec::new());
                while !self.eat(')') {
                    if let (Some(Token::Name(key)), Some(Token::Op('='))) =
                        (self.tokens.get(self.at), self.tokens.get(self.at + 1))
                    {
                        self.at += 2;
                        kwargs.push((key.clone(), self.expression()?));
                    } else {
                        args.push(self.expression()?);
                    }
                    if !self.eat(',') && self.peek() != Some(&Token::Op(')')) {
                        return None;
                    }
                }
                // A call's result used further (`f().x`) is beyond this reader.
                match self.peek() {
                    Some(Token::Op('.' | '(' | '[')) => None,
                    _ => Some(Value::Call {
                        func: name,
                        args,
                        kwargs,
                    }),
                }
            }
            Token::Op(_) => None,
        }
    }
}

/// Splits the script into logical lines: brackets and triple-quoted strings join physical
/// lines, comments are dropped.
fn logical_lines(text: &str) -> Result<Vec<Logical>, (usize, String)> {
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
