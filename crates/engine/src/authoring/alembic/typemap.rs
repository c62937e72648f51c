//! The type map: the SQL type a project's own column type (a `TypeDecorator`, a SQLModel type)
//! stands for on each database, given by the user because no static reading of a script can
//! know it. One line per type:
//!
//! ```text
//! # comments and blank lines are ignored
//! prefect.server.utilities.database.JSON = postgresql:jsonb sqlite:json
//! prefect.server.utilities.database.Timestamp = postgresql:timestamp with time zone sqlite:datetime
//! myapp.types.GUID = uuid
//! ```
//!
//! The name is the type's fully qualified name, as the script's imports reach it; the value is
//! one SQL type for every database, or `DIALECT:TYPE` parts (`postgresql`, `sqlite`, `mysql`;
//! `postgres` and `mariadb` too), each type running to the next part. The type's arguments in
//! the script are not read. Pure. Must not import the file system.

use aurora_migrate_core::Database;

/// Project types and their SQL per database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeMap {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    name: String,
    /// `None`: the type for every database not named.
    types: Vec<(Option<Database>, String)>,
}

/// What is wrong with a line of a type map: its 1-based number and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The line.
    pub line: usize,
    /// What is wrong.
    pub what: String,
}

impl TypeMap {
    /// Reads a type map's text.
    pub fn parse(text: &str) -> Result<TypeMap, Fault> {
        let mut map = TypeMap::default();
        for (index, raw) in text.lines().enumerate() {
            let fault = |what: String| Fault {
                line: index + 1,
                what,
            };
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, value)) = line.split_once('=') else {
                return Err(fault(
                    "expected `qualified.Name = TYPE` or `qualified.Name = postgresql:TYPE sqlite:TYPE`".into(),
                ));
            };
            let name = name.trim();
            let valid = !name.is_empty()
                && name.split('.').all(|part| {
                    part.chars()
                        .next()
                        .is_some_and(|c| c.is_alphabetic() || c == '_')
                        && part.chars().all(|c| c.is_alphanumeric() || c == '_')
                });
            if !valid {
                return Err(fault(format!("{name:?} is not a dotted Python name")));
            }
            if map.entries.iter().any(|e| e.name == name) {
                return Err(fault(format!("{name} is mapped twice")));
            }
            let types = types(value.trim()).map_err(fault)?;
            map.entries.push(Entry {
                name: name.to_string(),
                types,
            });
        }
        Ok(map)
    }

    /// Whether the map names `qualified`.
    pub fn has(&self, qualified: &str) -> bool {
        self.entries.iter().any(|e| e.name == qualified)
    }

    /// The SQL type of `qualified` on `database`: `None` when the map does not name the type,
    /// `Some(None)` when it names it but not for this database.
    pub fn get(&self, qualified: &str, database: Database) -> Option<Option<&str>> {
        let entry = self.entries.iter().find(|e| e.name == qualified)?;
        let exact = entry.types.iter().find(|(d, _)| *d == Some(database));
        let any = entry.types.iter().find(|(d, _)| d.is_none());
        Some(exact.or(any).map(|(_, t)| t.as_str()))
    }
}

/// `TYPE` or `DIALECT:TYPE DIALECT:TYPE ...`.
fn types(value: &str) -> Result<Vec<(Option<Database>, String)>, String> {
    let words: Vec<&str> = value.split_whitespace().collect();
    if words.is_empty() {
        return Err("no SQL type after `=`".into());
    }
    let mut types: Vec<(Option<Database>, Vec<&str>)> = Vec::new();
    for word in words {
        let part = word.split_once(':').filter(|(prefix, _)| {
            !prefix.is_empty() && prefix.chars().all(|c| c.is_ascii_alphabetic())
        });
        match part {
            Some((prefix, rest)) => {
                let database = match prefix.to_ascii_lowercase().as_str() {
                    "postgres" => Database::Postgres,
                    "mariadb" => Database::Mysql,
                    other => Database::from_name(other).ok_or_else(|| {
                        format!("{prefix:?} is not a database: use postgresql, sqlite or mysql")
                    })?,
                };
                if types.iter().any(|(d, _)| *d == Some(database)) {
                    return Err(format!("{} is given twice", database.name()));
                }
                types.push((
                    Some(database),
                    vec![rest].into_iter().filter(|r| !r.is_empty()).collect(),
                ));
            }
            None => match types.last_mut() {
                Some((_, words)) => words.push(word),
                None => types.push((None, vec![word])),
            },
        }
    }
    if types.iter().any(|(d, _)| d.is_none()) && types.len() > 1 {
        return Err("a type for every database comes alone, without `DIALECT:` parts".into());
    }
    types
        .into_iter()
        .map(|(database, words)| match words.is_empty() {
            true => Err(format!(
                "no SQL type after `{}:`",
                database.map_or("", Database::name)
            )),
            false if words.iter().any(|w| w.contains(';') || w.contains("--")) => {
                Err("a type cannot hold `;` or `--`".into())
            }
            false => Ok((database, words.join(" "))),
        })
        .collect()
}
