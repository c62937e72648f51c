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

use super::lex::{Token, logical_lines};

/// The deepest an expression is read: brackets stop at the lexer's bound, this stops the
/// rest (a chain of unary minus signs) before the reader's stack would run out.
const MAX_DEPTH: usize = 1000;

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
                    body.push(statement(logical.line, &logical.source, &rest)?);
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
                        false => statement(inner.line, &inner.source, &inner.tokens)?,
                    });
                }
                match name.as_str() {
                    "upgrade" => script.upgrade = Some(body),
                    "downgrade" => script.downgrade = Some(body),
                    _ => {}
                }
            }
            tokens => {
                if let Some((name, value)) = assignment(logical.line, tokens)? {
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

fn statement(line: usize, source: &str, tokens: &[Token]) -> Result<Statement, (usize, String)> {
    let mut parser = Parser::new(tokens);
    let expression = parser.expression().filter(|_| parser.at == tokens.len());
    parser.depth_fault(line)?;
    Ok(Statement {
        line,
        source: source.to_string(),
        expression,
    })
}

/// `name = value` or `name: Type = value`.
fn assignment(line: usize, tokens: &[Token]) -> Result<Option<(String, Value)>, (usize, String)> {
    let Some(Token::Name(name)) = tokens.first() else {
        return Ok(None);
    };
    let mut depth = 0i32;
    let Some(equals) = tokens.iter().position(|t| {
        match t {
            Token::Op('(' | '[') => depth += 1,
            Token::Op(')' | ']') => depth -= 1,
            _ => {}
        }
        depth == 0 && *t == Token::Op('=')
    }) else {
        return Ok(None);
    };
    let rest = &tokens[equals + 1..];
    let mut parser = Parser::new(rest);
    let value = parser.expression();
    parser.depth_fault(line)?;
    Ok(value
        .filter(|_| parser.at == rest.len())
        .map(|value| (name.clone(), value)))
}

struct Parser<'t> {
    tokens: &'t [Token],
    at: usize,
    /// How deep the expression being read is nested.
    depth: usize,
    /// Reading stopped at [`MAX_DEPTH`].
    too_deep: bool,
}

impl<'t> Parser<'t> {
    fn new(tokens: &'t [Token]) -> Parser<'t> {
        Parser {
            tokens,
            at: 0,
            depth: 0,
            too_deep: false,
        }
    }

    /// The refusal of an expression nested past [`MAX_DEPTH`], at `line`.
    fn depth_fault(&self, line: usize) -> Result<(), (usize, String)> {
        match self.too_deep {
            true => Err((
                line,
                format!("an expression nested more than {MAX_DEPTH} deep"),
            )),
            false => Ok(()),
        }
    }

    /// One expression, at most [`MAX_DEPTH`] deep.
    fn expression(&mut self) -> Option<Value> {
        if self.depth >= MAX_DEPTH {
            self.too_deep = true;
            return None;
        }
        self.depth += 1;
        let value = self.value();
        self.depth -= 1;
        value
    }

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

    fn value(&mut self) -> Option<Value> {
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
