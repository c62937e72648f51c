//! A parsed module as the importer's [`Script`]: the docstring, the literal assignments, the
//! imports, the classes, `upgrade()` and `downgrade()` with their statements (each with its
//! line and source), and the syntax errors. Pure. Must not import the file system.

use rustpython_ruff_python_ast::{self as py, Expr, Stmt};
use rustpython_ruff_python_parser::parse_unchecked_source;
use rustpython_ruff_text_size::Ranged;

use super::depth::TooLong;
use super::expr::value;
use super::{Class, Function, Import, Kind, Lines, Script, Statement, SyntaxError, Value};

/// Parses `blanked` (the script with its too-long statements made `pass`) and reads it;
/// sources are shown from `original`.
pub(super) fn script(original: &str, blanked: &str, long: &[TooLong]) -> Script {
    let parsed = parse_unchecked_source(blanked, py::PySourceType::Python);
    let reader = Reader {
        text: blanked,
        lines: Lines::new(original),
        long,
    };
    let mut script = Script {
        errors: parsed
            .errors()
            .iter()
            .map(|e| SyntaxError {
                line: reader.lines.line(e.location.start().to_usize()),
                what: e.error.to_string(),
            })
            .collect(),
        ..Script::default()
    };
    for (index, stmt) in parsed.syntax().body.iter().enumerate() {
        reader.top(&mut script, index, stmt);
    }
    // A `global` in any function, or an assignment expression, rebinds names out of sight.
    script.hidden_bindings |= original.contains(":=")
        || original
            .lines()
            .any(|l| matches!(l.split_whitespace().next(), Some("global" | "nonlocal")));
    script
}

struct Reader<'t> {
    text: &'t str,
    lines: Lines<'t>,
    long: &'t [TooLong],
}

impl Reader<'_> {
    fn top(&self, script: &mut Script, index: usize, stmt: &Stmt) {
        match stmt {
            Stmt::Expr(e) if index == 0 => {
                if let Expr::StringLiteral(doc) = &*e.value {
                    script.docstring = Some(doc.value.to_str().to_string());
                }
            }
            Stmt::Assign(assign) => {
                let v = value(&assign.value, self.text);
                for target in &assign.targets {
                    self.bind(script, target, Some(&v));
                }
            }
            Stmt::AnnAssign(assign) => {
                let v = assign.value.as_ref().map(|v| value(v, self.text));
                self.bind(script, &assign.target, v.as_ref());
            }
            Stmt::Import(_) | Stmt::ImportFrom(_) => script.imports.extend(imports(stmt)),
            Stmt::FunctionDef(def) => {
                let function = Some(self.function(def));
                match def.name.as_str() {
                    "upgrade" => script.upgrade = function,
                    "downgrade" => script.downgrade = function,
                    other => script.bound.push(other.to_string()),
                }
            }
            Stmt::ClassDef(class) => {
                script.bound.push(class.name.as_str().to_string());
                script.classes.push(self.class(class));
            }
            Stmt::Expr(_) | Stmt::Pass(_) => {}
            _ => script.hidden_bindings = true,
        }
    }

    fn bind(&self, script: &mut Script, target: &Expr, v: Option<&Value>) {
        if let Expr::Name(name) = target {
            let name = name.id.as_str().to_string();
            if let Some(v) = v {
                script.assignments.push((name.clone(), v.clone()));
            }
            script.bound.push(name);
        }
    }

    fn function(&self, def: &py::StmtFunctionDef) -> Function {
        let start = def
            .decorator_list
            .first()
            .map_or(def.range.start(), |d| d.range.start())
            .to_usize();
        Function {
            line: self.lines.line(start),
            decorators: def
                .decorator_list
                .iter()
                .map(|d| value(&d.expression, self.text))
                .collect(),
            body: self.statements(&def.body),
            source: self.lines.source(start, def.range.end().to_usize()),
        }
    }

    fn class(&self, class: &py::StmtClassDef) -> Class {
        let bases = class.arguments.as_ref().map_or_else(Vec::new, |arguments| {
            arguments.args.iter().map(|b| value(b, self.text)).collect()
        });
        let mut assignments = Vec::new();
        let mut plain = class.decorator_list.is_empty()
            && class
                .arguments
                .as_ref()
                .is_none_or(|arguments| arguments.keywords.is_empty());
        for stmt in &class.body {
            match stmt {
                Stmt::Assign(assign) => match assign.targets.as_slice() {
                    [Expr::Name(name)] => assignments.push((
                        name.id.as_str().to_string(),
                        value(&assign.value, self.text),
                    )),
                    _ => plain = false,
                },
                Stmt::Pass(_) => {}
                Stmt::Expr(expr) if expr.value.is_string_literal_expr() => {}
                _ => plain = false,
            }
        }
        Class {
            name: class.name.as_str().to_string(),
            bases,
            assignments,
            plain,
        }
    }

    fn statements(&self, body: &[Stmt]) -> Vec<Statement> {
        body.iter().map(|stmt| self.statement(stmt)).collect()
    }

    fn statement(&self, stmt: &Stmt) -> Statement {
        let range = stmt.range();
        let line = self.lines.line(range.start().to_usize());
        let mut source = self
            .lines
            .source(range.start().to_usize(), range.end().to_usize());
        let kind = match stmt {
            Stmt::Pass(_) => match self.long.iter().find(|l| l.line == line) {
                Some(long) => {
                    source = source
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .chars()
                        .take(200)
                        .collect();
                    Kind::TooLong(long.head.clone())
                }
                None => Kind::Pass,
            },
            Stmt::Expr(e) => match &*e.value {
                Expr::StringLiteral(_) | Expr::EllipsisLiteral(_) => Kind::Pass,
                other => Kind::Expr(value(other, self.text)),
            },
            Stmt::Assign(assign) => Kind::Assign {
                targets: assign.targets.iter().map(|t| value(t, self.text)).collect(),
                value: Some(value(&assign.value, self.text)),
            },
            Stmt::AnnAssign(assign) => Kind::Assign {
                targets: vec![value(&assign.target, self.text)],
                value: assign.value.as_ref().map(|v| value(v, self.text)),
            },
            Stmt::If(branch) => Kind::If {
                test: value(&branch.test, self.text),
                body: self.statements(&branch.body),
                orelse: self.orelse(&branch.elif_else_clauses),
            },
            Stmt::With(with) => Kind::With {
                items: with
                    .items
                    .iter()
                    .map(|item| {
                        (
                            value(&item.context_expr, self.text),
                            item.optional_vars.as_ref().map(|v| value(v, self.text)),
                        )
                    })
                    .collect(),
                body: self.statements(&with.body),
            },
            Stmt::For(each) => Kind::For {
                target: value(&each.target, self.text),
                iter: value(&each.iter, self.text),
                body: self.statements(&each.body),
            },
            Stmt::Import(_) | Stmt::ImportFrom(_) => Kind::Import(imports(stmt)),
            other => Kind::Other(words(other).to_string()),
        };
        Statement { line, source, kind }
    }

    /// The `elif` and `else` clauses: an `elif` is an `if` alone in the `else`.
    fn orelse(&self, clauses: &[py::ElifElseClause]) -> Vec<Statement> {
        let Some((first, rest)) = clauses.split_first() else {
            return Vec::new();
        };
        match &first.test {
            None => self.statements(&first.body),
            Some(test) => {
                let start = first.range.start().to_usize();
                let end = clauses.last().map_or(first.range.end(), |c| c.range.end());
                vec![Statement {
                    line: self.lines.line(start),
                    source: self.lines.source(start, end.to_usize()),
                    kind: Kind::If {
                        test: value(test, self.text),
                        body: self.statements(&first.body),
                        orelse: self.orelse(rest),
                    },
                }]
            }
        }
    }
}

/// The names an import statement binds.
fn imports(stmt: &Stmt) -> Vec<Import> {
    match stmt {
        Stmt::Import(import) => import
            .names
            .iter()
            .map(|alias| {
                let name = alias.name.as_str();
                match &alias.asname {
                    Some(asname) => Import {
                        alias: asname.as_str().to_string(),
                        target: name.to_string(),
                    },
                    // `import a.b.c` binds `a`, through which `a.b.c` is reached.
                    None => {
                        let first = name.split('.').next().unwrap_or(name);
                        Import {
                            alias: first.to_string(),
                            target: first.to_string(),
                        }
                    }
                }
            })
            .collect(),
        Stmt::ImportFrom(from) => {
            let module = format!(
                "{}{}",
                ".".repeat(from.level as usize),
                from.module.as_ref().map_or("", |m| m.as_str())
            );
            from.names
                .iter()
                .map(|alias| {
                    let name = alias.name.as_str();
                    let target = match (name, module.ends_with('.')) {
                        ("*", _) => module.clone(),
                        (_, true) => format!("{module}{name}"),
                        (_, false) => format!("{module}.{name}"),
                    };
                    Import {
                        alias: alias
                            .asname
                            .as_ref()
                            .map_or(name, |a| a.as_str())
                            .to_string(),
                        target,
                    }
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// A statement the importer never reads, in words.
fn words(stmt: &Stmt) -> &'static str {
    match stmt {
        Stmt::FunctionDef(_) => "a nested `def`",
        Stmt::ClassDef(_) => "a class",
        Stmt::Return(_) => "a `return`",
        Stmt::Delete(_) => "a `del`",
        Stmt::AugAssign(_) => "an augmented assignment",
        Stmt::While(_) => "a `while` loop",
        Stmt::Match(_) => "a `match`",
        Stmt::Raise(_) => "a `raise`",
        Stmt::Try(_) => "a `try`",
        Stmt::Assert(_) => "an `assert`",
        Stmt::Global(_) | Stmt::Nonlocal(_) => "a `global` or `nonlocal`",
        Stmt::Break(_) | Stmt::Continue(_) => "a `break` or `continue`",
        _ => "a statement",
    }
}
