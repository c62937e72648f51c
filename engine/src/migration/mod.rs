//! Migrations: what one is, its checksum, its statements per dialect, and the catalogue of
//! them all with its revision graph. Knows nothing of connections.

pub mod author;
pub mod effects;
mod embedded;
pub mod parse;
pub mod scan;
pub mod sql;

pub use embedded::Embedded;
use sha2::{Digest, Sha256};

use crate::ddl::Ddl;
use crate::dialect::Kind;
use crate::revision::graph::{Graph, Node};
use parse::Direction;
pub use sql::Statement;

/// How a migration produces its statements.
#[derive(Clone, Copy)]
pub enum Body {
    /// Sections of the SQL file, parsed when the migration runs.
    Sql,
    /// Functions of a Rust migration that fill a [`Ddl`].
    Rust {
        upgrade: fn(&mut Ddl),
        downgrade: fn(&mut Ddl),
    },
}

/// One revision of the catalogue.
#[derive(Clone)]
pub struct Migration {
    pub file_name: String,
    pub id: String,
    pub message: String,
    pub parents: Vec<String>,
    pub depends_on: Vec<String>,
    pub branch_labels: Vec<String>,
    pub create_date: Option<String>,
    /// False for `Transaction: none`.
    pub transactional: bool,
    pub source: String,
    pub body: Body,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrationError {
    #[error(
        "{file}: no {direction} section for {dialect}; add `-- migrate:{direction} {dialect}` or a section without a dialect"
    )]
    NoSection {
        file: String,
        direction: &'static str,
        dialect: &'static str,
    },
    #[error("{file}:{line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
    #[error("the embedded migrations do not form a valid graph: {0}")]
    Graph(String),
}

impl Migration {
    /// SHA-256 of the file with line endings normalised, so a checkout with CRLF matches.
    pub fn checksum(&self) -> String {
        let text = self.source.strip_prefix('\u{feff}').unwrap_or(&self.source);
        let mut hasher = Sha256::new();
        for line in text.split_inclusive('\n') {
            let line = line.strip_suffix('\n').unwrap_or(line);
            hasher.update(line.strip_suffix('\r').unwrap_or(line).as_bytes());
            hasher.update(b"\n");
        }
        // Written by hand: a no-op run compares every applied checksum, and formatting each
        // byte through `format!` cost more than hashing.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut hex = String::with_capacity(64);
        for byte in hasher.finalize() {
            hex.push(HEX[usize::from(byte >> 4)] as char);
            hex.push(HEX[usize::from(byte & 0xf)] as char);
        }
        hex
    }

    /// The statements to run for `direction` on `kind`, each with its line in the file.
    pub fn statements(
        &self,
        kind: Kind,
        direction: Direction,
    ) -> Result<Vec<Statement>, MigrationError> {
        match self.body {
            Body::Sql => self.sql_statements(kind, direction),
            Body::Rust { upgrade, downgrade } => {
                let mut ddl = Ddl::new(kind);
                match direction {
                    Direction::Upgrade => upgrade(&mut ddl),
                    Direction::Downgrade => downgrade(&mut ddl),
                }
                let statements =
                    ddl.into_statements()
                        .map_err(|message| MigrationError::Invalid {
                            file: self.file_name.clone(),
                            line: 1,
                            message,
                        })?;
                if statements.is_empty()
                    && direction == Direction::Upgrade
                    && self.parents.len() < 2
                {
                    return Err(MigrationError::Invalid {
                        file: self.file_name.clone(),
                        line: 1,
                        message: "upgrade() produced no statement; write it, or delete the file"
                            .into(),
                    });
                }
                Ok(statements
                    .into_iter()
                    .map(|text| Statement { text, line: 1 })
                    .collect())
            }
        }
    }

    fn sql_statements(
        &self,
        kind: Kind,
        direction: Direction,
    ) -> Result<Vec<Statement>, MigrationError> {
        let invalid = |line, message| MigrationError::Invalid {
            file: self.file_name.clone(),
            line,
            message,
        };
        let parsed =
            parse::parse(&self.file_name, &self.source).map_err(|e| invalid(e.line, e.message))?;
        let section = parsed
            .sections
            .iter()
            .find(|s| s.direction == direction && s.dialect.as_deref() == Some(kind.name()))
            .or_else(|| {
                parsed
                    .sections
                    .iter()
                    .find(|s| s.direction == direction && s.dialect.is_none())
            })
            .ok_or(MigrationError::NoSection {
                file: self.file_name.clone(),
                direction: direction_name(direction),
                dialect: kind.name(),
            })?;
        sql::split(&section.body, section.marker_line + 1).map_err(|e| invalid(e.line, e.message))
    }
}

pub fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Upgrade => "upgrade",
        Direction::Downgrade => "downgrade",
    }
}

/// Every migration with the graph over them; node `i` of the graph is `migrations[i]`.
pub struct Catalog {
    migrations: Vec<Migration>,
    graph: Graph,
}

impl Catalog {
    /// The migrations a build script compiled into the binary.
    pub fn from_embedded(embedded: &[Embedded]) -> Result<Catalog, MigrationError> {
        let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let migrations = embedded
            .iter()
            .map(|e| Migration {
                file_name: e.file_name.to_string(),
                id: e.id.to_string(),
                message: e.message.to_string(),
                parents: strings(e.parents),
                depends_on: strings(e.depends_on),
                branch_labels: strings(e.branch_labels),
                create_date: e.create_date.map(str::to_string),
                transactional: e.transactional,
                source: e.source.to_string(),
                body: e.body,
            })
            .collect();
        Catalog::new(migrations)
    }

    /// A catalogue read from disk by [`scan::scan`], for commands that inspect files but do
    /// not run them (a Rust migration's code is only runnable when embedded).
    pub fn from_scan(scan: scan::Scan) -> Catalog {
        let migrations = scan
            .files
            .into_iter()
            .map(|f| {
                let h = f.parsed.header;
                Migration {
                    file_name: f.file_name,
                    id: h.revision,
                    message: h.message,
                    parents: h.revises,
                    depends_on: h.depends_on,
                    branch_labels: h.branch_labels,
                    create_date: h.create_date,
                    transactional: h.transactional,
                    source: f.text,
                    body: Body::Sql,
                }
            })
            .collect();
        Catalog {
            migrations,
            graph: scan.graph,
        }
    }

    pub fn new(migrations: Vec<Migration>) -> Result<Catalog, MigrationError> {
        let nodes = migrations
            .iter()
            .map(|m| Node {
                id: m.id.clone(),
                parents: m.parents.clone(),
                depends_on: m.depends_on.clone(),
                branch_labels: m.branch_labels.clone(),
            })
            .collect();
        let graph = Graph::new(nodes).map_err(|e| MigrationError::Graph(e.to_string()))?;
        Ok(Catalog { migrations, graph })
    }

    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    pub fn migration(&self, index: usize) -> &Migration {
        &self.migrations[index]
    }

    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_source(source: &str) -> Migration {
        Migration {
            file_name: "m.sql".into(),
            id: "m".into(),
            message: "m".into(),
            parents: Vec::new(),
            depends_on: Vec::new(),
            branch_labels: Vec::new(),
            create_date: None,
            transactional: true,
            source: source.into(),
            body: Body::Sql,
        }
    }

    #[test]
    fn the_checksum_is_the_sha256_of_the_file_in_lowercase_hex() {
        // sha256sum of the same three lines.
        assert_eq!(
            with_source("-- m\n\nSELECT 1;\n").checksum(),
            "83af4c54e698a8c166647886290ac36af536c1fa18e2e0501ce7d2171c4aa7df"
        );
    }

    #[test]
    fn crlf_line_endings_and_a_byte_order_mark_do_not_change_the_checksum() {
        let unix = with_source("-- m\n\nSELECT 1;\n").checksum();
        assert_eq!(with_source("-- m\r\n\r\nSELECT 1;\r\n").checksum(), unix);
        assert_eq!(with_source("\u{feff}-- m\n\nSELECT 1;\n").checksum(), unix);
        assert_ne!(with_source("-- m\n\nSELECT 2;\n").checksum(), unix);
    }
}
