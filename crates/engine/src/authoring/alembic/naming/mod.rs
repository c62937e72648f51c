//! Constraint and index names as SQLAlchemy gives them: the naming convention of the
//! `MetaData` Alembic is configured with (read from `env.py`, [`env`]), applied where
//! SQLAlchemy applies it (an unnamed constraint or index; a named one when the template holds
//! `%(constraint_name)s`; never to a name marked with `op.f()`), and a generated or marked
//! name over the database's limit cut to fit with a hash suffix, as SQLAlchemy's compiler does.
//! Pure. Must not import the file system.

pub(super) mod env;

use aurora_migrate_core::Database;
use md5::{Digest, Md5};

use super::report::{Reason, Todo};

/// What a name is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Object {
    /// An index (`ix`).
    Index,
    /// A unique constraint (`uq`).
    Unique,
    /// A check constraint (`ck`).
    Check,
    /// A foreign key (`fk`).
    ForeignKey,
    /// A primary key (`pk`).
    PrimaryKey,
    /// A constraint of no known kind (`op.drop_constraint` without `type_`): no convention.
    Constraint,
}

impl Object {
    /// The convention's key for it.
    pub(super) fn key(self) -> Option<&'static str> {
        Some(match self {
            Object::Index => "ix",
            Object::Unique => "uq",
            Object::Check => "ck",
            Object::ForeignKey => "fk",
            Object::PrimaryKey => "pk",
            Object::Constraint => return None,
        })
    }
}

/// A name as the script gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Given {
    /// No name.
    None,
    /// A plain string.
    Plain(String),
    /// `op.f("...")` (SQLAlchemy's `conv`): final, past any convention.
    Final(String),
}

/// What SQLAlchemy knows of the object being named.
#[derive(Debug, Clone, Copy)]
pub(super) struct Subject<'a> {
    /// Its kind.
    pub object: Object,
    /// Its table.
    pub table: &'a str,
    /// Its columns (the local ones for a foreign key).
    pub columns: &'a [String],
    /// A foreign key's referred table.
    pub referred_table: Option<&'a str>,
    /// A foreign key's referred columns.
    pub referred_columns: &'a [String],
}

/// A naming convention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Convention {
    /// Read: each key (`ix`, `uq`, `ck`, `fk`, `pk`) with its template; tokens the convention
    /// computes with a function of the project's, which cannot be read.
    Known {
        /// Key and template.
        templates: Vec<(String, String)>,
        /// Tokens given as functions.
        functions: Vec<String>,
    },
    /// There is one that could not be read, and why: every name it might make is left to do.
    Unknown(String),
}

impl Default for Convention {
    /// SQLAlchemy's own, for a `MetaData` given none.
    fn default() -> Convention {
        Convention::Known {
            templates: vec![("ix".into(), "ix_%(column_0_label)s".into())],
            functions: Vec::new(),
        }
    }
}

/// The longest constraint or index name SQLAlchemy's dialect for `database` allows.
pub(super) fn max_length(database: Database) -> usize {
    match database {
        Database::Postgres => 63,
        Database::Mysql => 64,
        Database::Sqlite => 9999,
    }
}

impl Convention {
    /// The name SQLAlchemy gives `subject` named `given` on `database`: `None` when it stays
    /// unnamed (the database names it), or why it cannot be known.
    pub(super) fn name(
        &self,
        given: &Given,
        subject: &Subject,
        database: Database,
    ) -> Result<Option<String>, Todo> {
        let (name, generated) = match given {
            Given::Final(name) => (name.clone(), true),
            given => match self.template(subject.object)? {
                Some(template)
                    if matches!(given, Given::None) || template.contains("%(constraint_name)s") =>
                {
                    (self.render(template, given, subject)?, true)
                }
                _ => match given {
                    Given::Plain(name) => (name.clone(), false),
                    _ => return Ok(None),
                },
            },
        };
        let max = max_length(database);
        if name.chars().count() <= max {
            return Ok(Some(name));
        }
        if !generated {
            return Err(Todo::new(
                Reason::Name,
                format!(
                    "the name {name:?} is longer than {max} characters, which SQLAlchemy refuses on {database}"
                ),
            ));
        }
        Ok(Some(truncate(&name, max)))
    }

    fn template(&self, object: Object) -> Result<Option<&str>, Todo> {
        match self {
            Convention::Unknown(why) if object.key().is_some() => Err(Todo::new(
                Reason::Name,
                format!("the naming convention is not known ({why}), so neither is this name"),
            )),
            Convention::Unknown(_) => Ok(None),
            Convention::Known { templates, .. } => Ok(object.key().and_then(|key| {
                templates
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, t)| t.as_str())
            })),
        }
    }

    /// `template % tokens`, as Python formats it.
    fn render(&self, template: &str, given: &Given, subject: &Subject) -> Result<String, Todo> {
        let fault = |what: String| Todo::new(Reason::Name, what);
        let mut out = String::new();
        let mut rest = template;
        while let Some(at) = rest.find('%') {
            out.push_str(&rest[..at]);
            rest = &rest[at + 1..];
            if let Some(after) = rest.strip_prefix('%') {
                out.push('%');
                rest = after;
                continue;
            }
            let Some((key, after)) = rest
                .strip_prefix('(')
                .and_then(|r| r.split_once(')'))
                .and_then(|(key, r)| r.strip_prefix('s').map(|r| (key, r)))
            else {
                return Err(fault(format!(
                    "the naming convention {template:?} uses a format other than %(token)s"
                )));
            };
            out.push_str(&self.token(key, given, subject).map_err(fault)?);
            rest = after;
        }
        out.push_str(rest);
        Ok(out)
    }

    fn token(&self, key: &str, given: &Given, subject: &Subject) -> Result<String, String> {
        if let Convention::Known { functions, .. } = self
            && functions.iter().any(|f| f == key)
        {
            return Err(format!(
                "the naming convention's token %({key})s is a function of the project's"
            ));
        }
        let fk = subject.object == Object::ForeignKey;
        match key {
            "table_name" => return Ok(subject.table.to_string()),
            "constraint_name" => {
                return match given {
                    Given::Plain(name) => Ok(name.clone()),
                    _ => Err(
                        "the naming convention uses %(constraint_name)s and the constraint has no name: SQLAlchemy refuses it"
                            .into(),
                    ),
                };
            }
            "referred_table_name" if fk => {
                return Ok(subject.referred_table.unwrap_or_default().to_string());
            }
            _ => {}
        }
        let unknown = || format!("the naming convention's token %({key})s is not SQLAlchemy's");
        let (referred, column) = match key.strip_prefix("referred_") {
            Some(rest) if fk => (true, rest),
            _ => (false, key),
        };
        let columns = if referred {
            subject.referred_columns
        } else {
            subject.columns
        };
        let rest = column.strip_prefix("column_").ok_or_else(unknown)?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let rest = &rest[digits.len()..];
        let index: usize = digits.parse().map_err(|_| unknown())?;
        let (all, separator, attribute) = match rest {
            r if r.starts_with("_N_") => (true, "_", &r[3..]),
            r if r.starts_with("N_") => (true, "", &r[2..]),
            r if r.starts_with('_') => (false, "", &r[1..]),
            _ => return Err(unknown()),
        };
        let label = !referred && attribute == "label";
        let known = match referred {
            true => attribute == "name",
            false => matches!(attribute, "name" | "key" | "label"),
        };
        // SQLAlchemy reads the `N` forms at index 0 only.
        if !known || (all && index != 0) {
            return Err(unknown());
        }
        let one = |column: &String| match label {
            true => format!("{}_{column}", subject.table),
            false => column.clone(),
        };
        Ok(match all {
            true => columns.iter().map(one).collect::<Vec<_>>().join(separator),
            false => columns.get(index).map(one).unwrap_or_default(),
        })
    }
}

/// A generated name cut to `max` characters as SQLAlchemy cuts it: its first `max - 8`
/// characters, `_`, and the last 4 hex digits of the MD5 of the whole name.
pub(super) fn truncate(name: &str, max: usize) -> String {
    let digest = Md5::digest(name.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let kept: String = name.chars().take(max.saturating_sub(8)).collect();
    format!("{kept}_{}", &hex[hex.len() - 4..])
}

#[cfg(test)]
mod tests;
