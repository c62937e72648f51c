//! The naming convention of a Python file (Alembic's `env.py`, or the models module that holds
//! the `MetaData`): the literal dict passed to SQLAlchemy's `MetaData(naming_convention=...)`,
//! directly or through a name the file assigns it to. Pure. Must not import the file system.

use super::Convention;
use crate::authoring::alembic::names::Scope;
use crate::authoring::alembic::python::{self, Value};

/// What a file says of its naming convention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Read {
    /// The convention of its `MetaData`, when it makes one; `None` when it makes none.
    pub convention: Option<Convention>,
    /// What the user should know: where the metadata comes from when it is not made here.
    pub note: Option<String>,
}

/// The convention `text` gives its `MetaData`.
pub(crate) fn read(text: &str) -> Read {
    let script = match python::read(text) {
        Ok(script) => script,
        Err((line, what)) => {
            return Read {
                convention: Some(Convention::Unknown(format!(
                    "the file cannot be read at line {line}: {what}"
                ))),
                note: None,
            };
        }
    };
    let scope = Scope::module(&script);
    let values = script
        .assignments
        .iter()
        .chain(script.classes.iter().flat_map(|c| &c.assignments))
        .map(|(_, value)| value);
    let mut metadata = Vec::new();
    for value in values {
        calls(value, &mut |func, kwargs| {
            if scope
                .sqlalchemy(func)
                .is_some_and(|(_, name)| name == "MetaData")
            {
                metadata.push(Value::kwarg(kwargs, "naming_convention").cloned());
            }
        });
    }
    let convention = match metadata.as_slice() {
        [] => None,
        [None] => Some(Convention::default()),
        [Some(given)] => Some(convention(given, &script, &scope)),
        _ => Some(Convention::Unknown(
            "the file makes more than one MetaData".into(),
        )),
    };
    let note = match (&convention, script.get("target_metadata")) {
        (None, Some(value)) if !value.is("None") => {
            let from = match value {
                Value::Name(name) => name.clone(),
                Value::Call { func, .. } => format!("{func}(...)"),
                _ => "an expression".to_string(),
            };
            Some(format!(
                "target_metadata is `{from}`, made elsewhere: if that MetaData has a naming_convention, give the file that makes it; SQLAlchemy's default convention is assumed"
            ))
        }
        _ => None,
    };
    Read { convention, note }
}

/// Keyword arguments, as a call holds them.
type Kwargs = [(String, Value)];

/// Every call in `value`: its dotted name and keyword arguments.
fn calls(value: &Value, found: &mut dyn FnMut(&str, &Kwargs)) {
    match value {
        Value::Call { func, args, kwargs } => {
            found(func, kwargs);
            for arg in args.iter().chain(kwargs.iter().map(|(_, v)| v)) {
                calls(arg, found);
            }
        }
        Value::Method {
            on, args, kwargs, ..
        } => {
            calls(on, found);
            for arg in args.iter().chain(kwargs.iter().map(|(_, v)| v)) {
                calls(arg, found);
            }
        }
        _ => {}
    }
}

/// The convention a `naming_convention=` value gives.
fn convention(given: &Value, script: &python::Script, scope: &Scope) -> Convention {
    let dict = match given {
        Value::Dict(items) => items,
        Value::Name(name) => match script.get(name) {
            Some(Value::Dict(items)) => items,
            _ => {
                return Convention::Unknown(format!("`{name}` is not assigned a literal dict"));
            }
        },
        _ => return Convention::Unknown("naming_convention is not a literal dict".into()),
    };
    let (mut templates, mut functions) = (Vec::new(), Vec::new());
    for (key, value) in dict {
        let key = match key {
            Some(Value::Str(key)) => key.clone(),
            Some(Value::Name(class)) => match scope.sqlalchemy(class).map(|(_, name)| name) {
                Some(name) => match name.as_str() {
                    "Index" => "ix".into(),
                    "UniqueConstraint" => "uq".into(),
                    "CheckConstraint" => "ck".into(),
                    "ForeignKeyConstraint" => "fk".into(),
                    "PrimaryKeyConstraint" => "pk".into(),
                    _ => return Convention::Unknown(format!("a key `{class}`")),
                },
                None => return Convention::Unknown(format!("a key `{class}`")),
            },
            _ => return Convention::Unknown("a key that is not a literal".into()),
        };
        let kind = matches!(key.as_str(), "ix" | "uq" | "ck" | "fk" | "pk");
        match value {
            Value::Str(template) if kind => templates.push((key, template.clone())),
            _ if kind => {
                return Convention::Unknown(format!("the template of {key:?} is not a literal"));
            }
            // Any other key is a token the project computes with a function.
            _ => functions.push(key),
        }
    }
    Convention::Known {
        templates,
        functions,
    }
}
