//! Migrations compiled into a binary by a `build.rs`: the data type it generates, data only.

use super::Body;

/// One embedded migration file, as the build script parsed and validated it.
///
/// A build script writes a `static` slice of these (see the workspace's `build.rs`) and hands
/// it to [`Catalog::from_embedded`](super::Catalog::from_embedded).
pub struct Embedded {
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
