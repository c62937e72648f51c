//! Reads a migrations directory, parses every file and validates the revision graph: build
//! scripts run it at build time, the authoring commands at run time, for the files on disk.
//! Faults come back as `path:line: message`. Must not import the authoring rules.

use std::fmt;
use std::path::{Path, PathBuf};

use super::parse::{self, FileKind, Parsed};
use crate::catalog::Revisions;
use crate::migration::Migration;
use crate::revision::graph::{Graph, GraphError, Node};
use crate::squash::{View, arrange_nodes};

/// A migration file read from disk.
#[derive(Debug, Clone)]
pub struct ScannedFile {
    /// Where it was read.
    pub path: PathBuf,
    /// Its name in the directory.
    pub file_name: String,
    /// SQL or Rust.
    pub kind: FileKind,
    /// Its text.
    pub text: String,
    /// Its header and sections as text, with the lines diagnostics point at.
    pub parsed: Parsed,
    /// The same as data: statements split, checksum computed.
    pub migration: Migration,
}

/// A directory whose files all parse and whose graph is valid.
#[derive(Debug, Clone)]
pub struct Scan {
    /// Sorted by file name.
    pub files: Vec<ScannedFile>,
    /// The graph over them, in the chain's view (see [`crate::squash`]): its node indices
    /// follow the files' order, without the squashes whose replaced files are there.
    pub graph: Graph,
}

impl Scan {
    /// The migrations and their graph as a catalogue.
    pub fn into_catalog(self) -> Revisions {
        let migrations: Vec<Migration> = self.files.into_iter().map(|f| f.migration).collect();
        let chain = crate::squash::arrange(&migrations, View::Chain);
        Revisions::with_graph(chain.into_iter().map(|(_, m)| m).collect(), self.graph)
    }
}

/// A fault, located in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, or the directory when the fault is the directory's.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// What is wrong, and what to do.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

/// Lists the migration files of `dir` (sorted by name); other files are skipped.
pub fn migration_paths(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let entries = std::fs::read_dir(dir).map_err(|e| Diagnostic {
        path: dir.to_path_buf(),
        line: 1,
        message: format!("cannot read the migrations directory: {e}"),
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Diagnostic {
            path: dir.to_path_buf(),
            line: 1,
            message: format!("cannot list the migrations directory: {e}"),
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry
            .file_type()
            .map(|t| t.is_file() || t.is_symlink())
            .unwrap_or(false);
        if is_file && !name.starts_with('.') && FileKind::from_file_name(&name).is_some() {
            paths.push(entry.path());
        }
    }
    paths.sort();
    Ok(paths)
}

/// Parses and validates every migration of `dir`; returns every fault found.
pub fn scan(dir: &Path) -> Result<Scan, Vec<Diagnostic>> {
    scan_with(dir, true)
}

/// As [`scan`], but a file may still be a draft whose upgrade is empty: `create` and `merge`
/// add files to a directory whose newest file its author may not have written yet.
pub fn scan_drafts(dir: &Path) -> Result<Scan, Vec<Diagnostic>> {
    scan_with(dir, false)
}

fn scan_with(dir: &Path, complete: bool) -> Result<Scan, Vec<Diagnostic>> {
    let paths = migration_paths(dir).map_err(|d| vec![d])?;
    let mut files = Vec::new();
    let mut faults = Vec::new();
    for path in paths {
        match read_file(&path, complete) {
            Ok(file) => files.push(file),
            Err(fault) => faults.push(fault),
        }
    }
    if !faults.is_empty() {
        return Err(faults);
    }
    chain_refinery_files(&mut files);
    let nodes: Vec<Node> = files.iter().map(|f| node_of(&f.parsed)).collect();
    let replaces: Vec<Vec<String>> = files
        .iter()
        .map(|f| f.parsed.header.replaces.clone())
        .collect();
    if let Some(overlap) = crate::squash::overlap(&replaces) {
        return Err(vec![overlapping(&files, &overlap)]);
    }
    // A squash's view is checked as well as the chain's: a fresh database takes it.
    let squashed = arrange_nodes(&nodes, &replaces, View::Squashed);
    let (kept, squashed): (Vec<usize>, Vec<Node>) = squashed.into_iter().unzip();
    if let Err(error) = Graph::new(squashed) {
        return Err(vec![locate(&files, &kept, &error)]);
    }
    let (kept, chain): (Vec<usize>, Vec<Node>) = arrange_nodes(&nodes, &replaces, View::Chain)
        .into_iter()
        .unzip();
    let graph = Graph::new(chain).map_err(|error| vec![locate(&files, &kept, &error)])?;
    let parsed: Vec<&Parsed> = files.iter().map(|f| &f.parsed).collect();
    let faults: Vec<Diagnostic> = super::requirement::check(&parsed, &graph)
        .into_iter()
        .map(|(index, message)| Diagnostic {
            path: files[index].path.clone(),
            line: files[index].parsed.header.requires_backfill_line,
            message,
        })
        .collect();
    match faults.is_empty() {
        true => Ok(Scan { files, graph }),
        false => Err(faults),
    }
}

/// Two squashes replacing a revision in common, at the later one's `Replaces` line.
fn overlapping(files: &[ScannedFile], overlap: &crate::squash::Overlap) -> Diagnostic {
    let (first, second) = (&files[overlap.first], &files[overlap.second]);
    Diagnostic {
        path: second.path.clone(),
        line: second.parsed.header.replaces_line.max(1),
        message: format!(
            "squash {} replaces {}, which squash {} ({}) replaces already: a fresh database would have two ways to \
             the same schema; delete one of the two",
            second.parsed.header.revision,
            overlap.revisions.join(", "),
            first.parsed.header.revision,
            first.path.display()
        ),
    }
}

/// Reads and parses one file.
pub fn read_file(path: &Path, complete: bool) -> Result<ScannedFile, Diagnostic> {
    let diagnostic = |line, message: String| Diagnostic {
        path: path.to_path_buf(),
        line,
        message,
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = FileKind::from_file_name(&file_name)
        .ok_or_else(|| diagnostic(1, "a migration file must end in .sql or .rs".to_string()))?;
    let bytes =
        std::fs::read(path).map_err(|e| diagnostic(1, format!("cannot read the file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        diagnostic(
            line,
            "the file is not valid UTF-8; save it as UTF-8".to_string(),
        )
    })?;
    let parsed = parse::parse(&file_name, &text).map_err(|e| diagnostic(e.line, e.message))?;
    if complete {
        parse::check_complete(&parsed).map_err(|e| diagnostic(e.line, e.message))?;
    }
    let migration = Migration::from_parsed(&file_name, &text, &parsed)
        .map_err(|e| diagnostic(e.line, e.message))?;
    Ok(ScannedFile {
        path: path.to_path_buf(),
        file_name,
        kind,
        text,
        parsed,
        migration,
    })
}

/// refinery's files form a chain in version order: each revises the one before it.
fn chain_refinery_files(files: &mut [ScannedFile]) {
    let mut chain: Vec<(i64, usize)> = files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.parsed.refinery.as_ref().map(|r| (r.version, i)))
        .collect();
    chain.sort();
    for pair in chain.windows(2) {
        let (previous, this) = (pair[0].1, pair[1].1);
        let parent = files[previous].parsed.header.revision.clone();
        files[this].parsed.header.revises = vec![parent.clone()];
        files[this].parsed.header.revises_line = 1;
        files[this].migration.parents =
            std::borrow::Cow::Owned(vec![std::borrow::Cow::Owned(parent)]);
    }
}

/// The graph's view of a parsed header.
pub fn node_of(parsed: &Parsed) -> Node {
    Node {
        id: parsed.header.revision.clone(),
        parents: parsed.header.revises.clone(),
        depends_on: parsed.header.depends_on.clone(),
        branch_labels: parsed.header.branch_labels.clone(),
    }
}

/// Turns a graph fault into a diagnostic at the header line that causes it.
/// `kept[i]` is the file of the graph's node `i`.
fn locate(files: &[ScannedFile], kept: &[usize], error: &GraphError) -> Diagnostic {
    let file = &files[kept[error.node()]];
    let header = &file.parsed.header;
    let (line, message) = match error {
        GraphError::DuplicateId { first, .. } => (
            header.revision_line,
            format!(
                "duplicate revision id `{}`, also defined in {}",
                header.revision,
                files[kept[*first]].path.display()
            ),
        ),
        GraphError::UnknownParent { .. } => (header.revises_line, error.to_string()),
        GraphError::UnknownDependency { .. } => (header.depends_on_line, error.to_string()),
        GraphError::DuplicateLabel { first, .. } => (
            header.branch_labels_line,
            format!(
                "{error}; it is also on {}",
                files[kept[*first]].path.display()
            ),
        ),
        GraphError::LabelIsAnId { .. } => (header.branch_labels_line, error.to_string()),
        GraphError::Cycle { .. } => (header.revises_line.max(1), error.to_string()),
    };
    Diagnostic {
        path: file.path.clone(),
        line: line.max(1),
        message,
    }
}
