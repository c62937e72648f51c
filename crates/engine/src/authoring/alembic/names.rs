//! What a name in a script stands for, through the script's own imports, as Python binds them:
//! `sa.JSON` after `import sqlalchemy as sa` is SQLAlchemy's `JSON`; `JSON` after `from
//! prefect.server.utilities.database import JSON` is the project's, never SQLAlchemy's. A name
//! the script binds otherwise (an assignment, a `def`, a `class`), or does not bind at all, is
//! not resolved: the importer never guesses what it is. Pure. Must not import the file system.

use super::python::{Import, Kind, Script, Statement};

/// The names a function sees: the module's imports, then its own.
#[derive(Debug, Clone, Default)]
pub(super) struct Scope {
    /// Name bound -> what it stands for (`None`: bound by something else than an import).
    bindings: Vec<(String, Option<String>)>,
}

/// What a dotted name stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Origin {
    /// Something of SQLAlchemy's: `name` with its modules dropped (`JSON`, `Column`,
    /// `func.now`), `dialect` when it comes from `sqlalchemy.dialects.<dialect>`.
    Sqlalchemy {
        /// `postgresql`, `mysql`, `sqlite`, ... when the name is a dialect's own.
        dialect: Option<String>,
        /// The name, without its modules.
        name: String,
    },
    /// A function of Alembic's `op`: `create_table`, `f`, ...
    Op(String),
    /// Anything else, fully qualified (`prefect.server.utilities.database.JSON`).
    Other(String),
    /// A name the script does not bind through an import (as written).
    Unresolved(String),
}

/// Module names between `sqlalchemy` (or a dialect) and the names they hold.
const MODULES: &[&str] = &[
    "sql",
    "types",
    "sqltypes",
    "schema",
    "expression",
    "elements",
    "base",
    "json",
    "array",
    "ranges",
    "hstore",
    "named_types",
    "dml",
    "ext",
    "_elements_constructors",
];

impl Scope {
    /// The names the module binds at its top level.
    pub(super) fn module(script: &Script) -> Scope {
        let mut scope = Scope::default();
        scope.imports(&script.imports);
        for name in &script.bound {
            scope.bindings.push((name.clone(), None));
        }
        scope
    }

    /// This scope with what `body` (a function's) binds: its imports and its assignments.
    pub(super) fn function(&self, body: &[Statement]) -> Scope {
        let mut scope = self.clone();
        scope.statements(body);
        scope
    }

    /// This scope with `name` standing for `target` alone (what `with ... as name` binds, where
    /// nothing else binds it).
    pub(super) fn bound_to(&self, name: &str, target: &str) -> Scope {
        let mut scope = self.clone();
        scope.bindings.retain(|(bound, _)| bound != name);
        scope
            .bindings
            .push((name.to_string(), Some(target.to_string())));
        scope
    }

    fn statements(&mut self, body: &[Statement]) {
        for statement in body {
            match &statement.kind {
                Kind::Import(imports) => self.imports(imports),
                Kind::Assign { targets, .. } => {
                    for target in targets {
                        if let super::python::Value::Name(name) = target
                            && !name.contains('.')
                        {
                            self.bindings.push((name.clone(), None));
                        }
                    }
                }
                Kind::If { body, orelse, .. } => {
                    self.statements(body);
                    self.statements(orelse);
                }
                Kind::With { body, .. } | Kind::For { body, .. } => self.statements(body),
                _ => {}
            }
        }
    }

    fn imports(&mut self, imports: &[Import]) {
        for import in imports {
            self.bindings
                .push((import.alias.clone(), Some(import.target.clone())));
        }
    }

    /// The fully qualified name `dotted` stands for, if an import binds its first part and
    /// nothing else binds it too.
    pub(super) fn qualified(&self, dotted: &str) -> Option<String> {
        let (first, rest) = match dotted.split_once('.') {
            Some((first, rest)) => (first, Some(rest)),
            None => (dotted, None),
        };
        let mut found = self.bindings.iter().filter(|(name, _)| name == first);
        let target = match (found.next(), found.next()) {
            (Some((_, Some(target))), None) => target.clone(),
            // Bound twice: which one holds where the name is used is beyond a static reading,
            // unless every binding is the same import.
            (Some((_, Some(target))), Some(_))
                if self
                    .bindings
                    .iter()
                    .filter(|(name, _)| name == first)
                    .all(|(_, t)| t.as_deref() == Some(target)) =>
            {
                target.clone()
            }
            (None, _) => self.star(first)?,
            _ => return None,
        };
        Some(match rest {
            Some(rest) => format!("{target}.{rest}"),
            None => target,
        })
    }

    /// A name a single `from m import *` may bind.
    fn star(&self, name: &str) -> Option<String> {
        let mut stars = self.bindings.iter().filter(|(alias, _)| alias == "*");
        match (stars.next(), stars.next()) {
            (Some((_, Some(module))), None) => Some(format!("{module}.{name}")),
            _ => None,
        }
    }

    /// What `dotted` stands for.
    pub(super) fn resolve(&self, dotted: &str) -> Origin {
        let Some(qualified) = self.qualified(dotted) else {
            return Origin::Unresolved(dotted.to_string());
        };
        origin(&qualified)
    }

    /// The `op` function `dotted` names, if it is one.
    pub(super) fn op(&self, dotted: &str) -> Option<String> {
        match self.resolve(dotted) {
            Origin::Op(name) => Some(name),
            _ => None,
        }
    }

    /// SQLAlchemy's name `dotted` stands for, with its dialect, if it is SQLAlchemy's.
    pub(super) fn sqlalchemy(&self, dotted: &str) -> Option<(Option<String>, String)> {
        match self.resolve(dotted) {
            Origin::Sqlalchemy { dialect, name } => Some((dialect, name)),
            _ => None,
        }
    }
}

/// What a fully qualified name is.
pub(super) fn origin(qualified: &str) -> Origin {
    let parts: Vec<&str> = qualified.split('.').collect();
    match parts.as_slice() {
        ["alembic", "op", name] => return Origin::Op((*name).to_string()),
        ["sqlalchemy", rest @ ..] if !rest.is_empty() => {
            let (dialect, rest) = match rest {
                ["dialects", dialect, rest @ ..] => (Some((*dialect).to_string()), rest),
                rest => (None, rest),
            };
            let skip = rest
                .iter()
                .take_while(|part| MODULES.contains(part) && rest.len() > 1)
                .count()
                .min(rest.len().saturating_sub(1));
            let mut name: Vec<&str> = rest[skip..].to_vec();
            if name.first() == Some(&"functions") {
                name[0] = "func";
            }
            if !name.is_empty() {
                return Origin::Sqlalchemy {
                    dialect,
                    name: name.join("."),
                };
            }
        }
        _ => {}
    }
    Origin::Other(qualified.to_string())
}
