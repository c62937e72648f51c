//! A committed text file as it was committed, whatever the checkout did to it: a byte-order
//! mark dropped and CRLF line endings read as LF, so that a Windows checkout (`core.autocrlf`)
//! reads, compares and converts as the one it came from. Must not import anything outside `std`.

use std::borrow::Cow;

/// `text` without a leading byte-order mark, with each CRLF read as LF (a lone CR stays).
pub fn as_committed(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match text.contains("\r\n") {
        true => Cow::Owned(text.replace("\r\n", "\n")),
        false => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests;
