//! The migration file format: a header as Alembic writes it, `-- migrate:upgrade` and
//! `-- migrate:downgrade` sections (optionally per database), `-- migrate:backfill` blocks,
//! statements ending with `;`; and
//! reading a directory of such files into migrations and their graph. Must not import the
//! authoring rules.

pub mod allow;
pub mod backfill;
pub mod parse;
pub mod refinery;
mod requirement;
pub mod scan;
mod section;
pub mod split;

pub use allow::LintAllow;
pub use backfill::BackfillText;
pub use parse::{
    Compatibility, FileKind, Header, LockTimeout, ParseError, Parsed, SectionText, check_complete,
    parse,
};
pub use refinery::RefineryName;
pub use scan::{Diagnostic, Scan, ScannedFile, scan, scan_drafts};
pub use split::{SplitError, split};
