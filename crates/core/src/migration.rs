//! Migrations as data, parsed once: the header's facts, each section's statements with their
//! lines, and the checksum of the file. Fields are `Cow<'static, _>`, so a build script can
//! write a catalogue as `static` data and a directory read at run time gives the same type.
//! Must not import the directory scanner.

use std::borrow::Cow;
use std::fmt;

use crate::checksum;
use crate::database::Database;
use crate::direction::Direction;
use crate::revision::Node;
pub use crate::source::split::Statement;
use crate::source::{self, Compatibility, FileKind, LintAllow, LockTimeout, ParseError, Parsed};
pub use backfill::Backfill;

/// Text that is either compiled in or read at run time.
pub type Text = Cow<'static, str>;

/// One `-- migrate:upgrade [database]` or `-- migrate:downgrade [database]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Which way it moves the schema.
    pub direction: Direction,
    /// `None` for the section that serves every database without a variant of its own.
    pub database: Option<Database>,
    /// Its statements, in order.
    pub statements: Cow<'static, [Statement]>,
}

/// One revision: what its header says, its statements, and its checksum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// The file's name in the migrations directory.
    pub file_name: Text,
    /// The revision id (`Revision ID`).
    pub id: Text,
    /// The first comment line.
    pub message: Text,
    /// `Revises`: none for a base, several for a merge.
    pub parents: Cow<'static, [Text]>,
    /// `Depends On`: revisions required without being parents.
    pub depends_on: Cow<'static, [Text]>,
    /// `Branch Labels`.
    pub branch_labels: Cow<'static, [Text]>,
    /// `Create Date`, as written.
    pub create_date: Option<Text>,
    /// False for `Transaction: none`.
    pub transactional: bool,
    /// `Compatibility`: what it promises the code that ran before it.
    pub compatibility: Compatibility,
    /// `lint: allow` comments, in the header (the whole migration) and in its sections.
    pub lint_allows: Cow<'static, [LintAllow]>,
    /// `Lock Timeout`: how its statements wait for locks.
    pub lock_timeout: LockTimeout,
    /// For a refinery file (`V<n>__<name>`): what refinery knows it by, to adopt a database
    /// refinery migrated.
    pub refinery: Option<RefineryOrigin>,
    /// `Replaces`: for a squash, the revisions it stands for.
    pub replaces: Cow<'static, [Text]>,
    /// SQL, or Rust whose statements come from code.
    pub kind: FileKind,
    /// [`checksum::of_file`] of the file's text.
    pub checksum: Text,
    /// The SQL sections; empty for a Rust migration.
    pub sections: Cow<'static, [Section]>,
    /// `-- migrate:backfill` declarations: at most one per database variant.
    pub backfills: Cow<'static, [Backfill]>,
    /// `Requires Backfill`: revisions whose backfill must be done before this one runs.
    pub requires_backfill: Cow<'static, [Text]>,
}

/// What refinery knows a migration by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefineryOrigin {
    /// `V12__add_users`.
    pub stem: Text,
    /// 12.
    pub version: i64,
    /// The file's text, as refinery reads it for its checksum; `None` for a Rust migration,
    /// whose SQL its function returns.
    pub sql: Option<Text>,
}

/// A migration has neither a section for a database nor a plain one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingSection {
    /// The migration's file name.
    pub file: String,
    /// The direction asked for.
    pub direction: Direction,
    /// The database asked for.
    pub database: Database,
}

impl fmt::Display for MissingSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (direction, database) = (self.direction.name(), self.database.name());
        write!(
            f,
            "{}: no {direction} section for {database}; add `-- migrate:{direction} {database}` or a section without a dialect",
            self.file
        )
    }
}

impl std::error::Error for MissingSection {}

impl Migration {
    /// Parses a migration file: its header, its sections split into statements, its checksum.
    pub fn parse(file_name: &str, text: &str) -> Result<Migration, ParseError> {
        Migration::from_parsed(file_name, text, &source::parse(file_name, text)?)
    }

    /// The data of a file `parsed` already read: its sections split into statements, its
    /// checksum computed.
    pub fn from_parsed(
        file_name: &str,
        text: &str,
        parsed: &Parsed,
    ) -> Result<Migration, ParseError> {
        let mut sections = Vec::with_capacity(parsed.sections.len());
        let mut lint_allows = parsed.header.lint_allows.clone();
        for section in &parsed.sections {
            let statements =
                source::split(&section.body, section.marker_line + 1).map_err(|e| ParseError {
                    line: e.line,
                    message: e.message,
                })?;
            lint_allows.extend(source::allow::in_section(
                &section.body,
                section.marker_line + 1,
                &statements,
            ));
            sections.push(Section {
                direction: section.direction,
                database: section.dialect,
                statements: Cow::Owned(statements),
            });
        }
        let header = &parsed.header;
        let texts = |list: &[String]| -> Cow<'static, [Text]> {
            Cow::Owned(list.iter().map(|s| Cow::Owned(s.clone())).collect())
        };
        Ok(Migration {
            file_name: Cow::Owned(file_name.to_string()),
            id: Cow::Owned(header.revision.clone()),
            message: Cow::Owned(header.message.clone()),
            parents: texts(&header.revises),
            depends_on: texts(&header.depends_on),
            branch_labels: texts(&header.branch_labels),
            create_date: header.create_date.clone().map(Cow::Owned),
            transactional: header.transactional,
            compatibility: header.compatibility,
            lint_allows: Cow::Owned(lint_allows),
            lock_timeout: header.lock_timeout,
            replaces: texts(&header.replaces),
            refinery: parsed.refinery.as_ref().map(|name| RefineryOrigin {
                stem: Cow::Owned(name.stem()),
                version: name.version,
                sql: (FileKind::from_file_name(file_name) == Some(FileKind::Sql))
                    .then(|| Cow::Owned(text.to_string())),
            }),
            kind: FileKind::from_file_name(file_name).unwrap_or(FileKind::Sql),
            checksum: Cow::Owned(checksum::of_file(text)),
            sections: Cow::Owned(sections),
            backfills: Cow::Owned(parsed.backfills.iter().map(Backfill::of_text).collect()),
            requires_backfill: texts(&header.requires_backfill),
        })
    }

    /// The statements of a SQL migration for `direction` on `database`: its section for that
    /// database, else its plain one.
    pub fn statements(
        &self,
        database: Database,
        direction: Direction,
    ) -> Result<&[Statement], MissingSection> {
        let of = |wanted: Option<Database>| {
            self.sections
                .iter()
                .find(|s| s.direction == direction && s.database == wanted)
        };
        of(Some(database))
            .or_else(|| of(None))
            .map(|s| &s.statements[..])
            .ok_or_else(|| MissingSection {
                file: self.file_name.to_string(),
                direction,
                database,
            })
    }

    /// Its backfill on `database`: that database's own declaration, else the plain one.
    pub fn backfill(&self, database: Database) -> Option<&Backfill> {
        let of = |wanted| self.backfills.iter().find(|b| b.database == wanted);
        of(Some(database)).or_else(|| of(None))
    }

    /// What the revision graph needs of it.
    pub fn node(&self) -> Node {
        let strings = |list: &[Text]| list.iter().map(|s| s.to_string()).collect();
        Node {
            id: self.id.to_string(),
            parents: strings(&self.parents),
            depends_on: strings(&self.depends_on),
            branch_labels: strings(&self.branch_labels),
        }
    }

    /// A merge: it joins several parents.
    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }
}

mod backfill;

#[cfg(test)]
mod tests;
