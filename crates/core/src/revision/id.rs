//! Revision ids and branch labels: which spellings are valid, and which words are reserved
//! because targets give them a meaning. Must not import anything.

/// True for ids made of letters, digits and underscores, 1 to 32 characters (Alembic keeps
/// them in a `VARCHAR(32)`).
pub fn is_valid(id: &str) -> bool {
    !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Words that mean something else wherever a revision can be named.
pub const KEYWORDS: &[&str] = &["head", "heads", "base", "current"];

/// True when `name`, in any case, is one of [`KEYWORDS`].
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(name))
}
