//! Revision ids and branch labels: which spellings are valid, and which words are reserved
//! because targets give them a meaning. Must not import anything.

/// The rule, as messages state it.
pub const RULE: &str = "1 to 32 letters, digits, underscores or dots, not starting with a dot";

/// Characters targets give a meaning (`ae10-1`, `ae10+2`, `label@head`, `base:head`); Alembic
/// refuses them in ids too.
pub const TARGET_CHARS: &[char] = &['-', '+', '@', ':'];

/// True for ids made of letters, digits, underscores and dots, 1 to 32 characters (Alembic keeps
/// them in a `VARCHAR(32)`), not starting with a dot. Dots appear in real histories (optuna's
/// `v3.0.0.a`) and mean nothing in a target; a leading one would make a hidden file name.
pub fn is_valid(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 32
        && !id.starts_with('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}

/// Why `id` is not valid, in words a message can end with; `None` when it is valid.
pub fn fault(id: &str) -> Option<String> {
    if is_valid(id) {
        return None;
    }
    Some(match id.chars().find(|c| TARGET_CHARS.contains(c)) {
        Some(c) => format!(
            "`{c}` cannot be part of an id, since targets give it a meaning (`ae10-1`, `ae10+2`, \
             `label@head`, `base:head`); use {RULE}"
        ),
        None => format!("use {RULE}"),
    })
}

/// Words that mean something else wherever a revision can be named.
pub const KEYWORDS: &[&str] = &["head", "heads", "base", "current"];

/// True when `name`, in any case, is one of [`KEYWORDS`].
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests;
