//! Reads an Alembic script with a real Python parser (ruff's) into the plain [`Script`] the
//! importer works on. Nesting is measured first ([`depth`]), and the parse and the walk of its
//! tree run on a thread of their own with a large stack, so no script, however deep, overflows
//! the caller's. A syntax error is data in the result ([`Script::errors`]), never a refusal;
//! only nesting past Python's own limits is refused. Pure. Must not import the file system.

mod ast;
mod depth;
mod expr;
mod lower;

pub(super) use ast::{Class, Function, Import, Kind, Script, Statement, SyntaxError, Value};
pub(super) use depth::MAX_DEPTH;

/// The stack of the thread that parses and walks one script: far more than the deepest tree
/// [`depth`] lets through needs (it is address space, taken only as it is used).
const STACK: usize = 256 * 1024 * 1024;

/// Reads a script; an error is a line and why reading stopped there (nesting past the bounds).
pub(super) fn read(text: &str) -> Result<Script, (usize, String)> {
    let (blanked, long) = depth::check(text)?;
    let original = text.to_string();
    let thread = std::thread::Builder::new()
        .name("alembic-script".into())
        .stack_size(STACK)
        .spawn(move || lower::script(&original, &blanked, &long))
        .map_err(|e| (1, format!("the script (no thread to read it on: {e})")))?;
    thread
        .join()
        .map_err(|_| (1, "the script (the parser stopped)".to_string()))
}

/// Lines of a text: where each starts.
pub(super) struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub(super) fn new(text: &'t str) -> Lines<'t> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// The 1-based line of a byte offset.
    pub(super) fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }

    /// The text from `start` to `end`, each line after the first losing as much of its
    /// leading whitespace as the first line's column.
    pub(super) fn source(&self, start: usize, end: usize) -> String {
        let (start, end) = (start.min(self.text.len()), end.min(self.text.len()));
        let column = start - self.starts[self.line(start) - 1];
        let text = self.text.get(start..end).unwrap_or_default();
        let mut out = String::new();
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
                let blank = line.len() - line.trim_start_matches([' ', '\t']).len();
                out.push_str(&line[blank.min(column)..]);
            } else {
                out.push_str(line);
            }
        }
        out.trim_end().to_string()
    }
}

#[cfg(test)]
mod tests;
