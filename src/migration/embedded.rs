//! The migrations `build.rs` found, compiled into the binary: data only.

use super::Body;

/// One embedded migration file, as `build.rs` parsed it.
pub(crate) struct Embedded {
    pub file_name: &'static str,
    pub id: &'static str,
    pub message: &'static str,
    pub parents: &'static [&'static str],
    pub depends_on: &'static [&'static str],
    pub branch_labels: &'static [&'static str],
    pub create_date: Option<&'static str>,
    pub transactional: bool,
    pub source: &'static str,
    pub body: Body,
}

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
