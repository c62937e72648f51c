//! Passwords kept out of every message by their place, not their value: the password of each
//! URL-shaped word (`scheme://user:PASSWORD@host`, and the shapes a hand makes: a missing
//! slash, a second colon, an unencoded `@`) and the value of each `password=` parameter,
//! wherever they stand in text. Nothing else is touched, so a path, a word that happens to
//! equal a password, or a JSON document stays as it was. Pure text work: no URL parser, no I/O.
//! Must not import anything.

/// A URL's own password, kept to remove it from what a driver says about that URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    values: Vec<String>,
}

impl Secrets {
    /// Adds a secret as written.
    pub fn add(&mut self, value: &str) {
        if !value.is_empty() && !self.values.iter().any(|v| v == value) {
            self.values.push(value.to_string());
            // Longest first, so that a secret containing another is removed whole.
            self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        }
    }

    /// Adds a percent-encoded secret, both as written and decoded.
    pub fn add_encoded(&mut self, value: &str) {
        self.add(value);
        if let Some(decoded) = percent_decoded(value) {
            self.add(&decoded);
        }
    }

    /// `text` masked by structure ([`mask`]), then with each secret that stands as a word of
    /// its own (not inside a longer word) replaced by `***`: a driver may quote the password
    /// alone, and a word that merely contains it says nothing of it.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = mask(text);
        for value in &self.values {
            out = replace_words(&out, value);
        }
        out
    }
}

/// Replaces each occurrence of `word` in `text` that no letter, digit or `_` touches.
fn replace_words(text: &str, word: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let joins = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    while let Some(at) = rest.find(word) {
        let before = rest[..at]
            .chars()
            .next_back()
            .or_else(|| out.chars().next_back());
        let after = rest[at + word.len()..].chars().next();
        out.push_str(&rest[..at]);
        match joins(before) || joins(after) {
            true => out.push_str(word),
            false => out.push_str("***"),
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// `text` with the password of every URL-shaped word, and the value of every `password=`
/// parameter, replaced by `***`. Words are split at white space and quotes.
pub fn mask(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word_start = None;
    for (i, c) in text.char_indices() {
        let delimiter = c.is_whitespace() || matches!(c, '"' | '\'' | '`');
        match (delimiter, word_start) {
            (true, Some(start)) => {
                out.push_str(&mask_word(&text[start..i]));
                out.push(c);
                word_start = None;
            }
            (true, None) => out.push(c),
            (false, None) => word_start = Some(i),
            (false, Some(_)) => {}
        }
    }
    if let Some(start) = word_start {
        out.push_str(&mask_word(&text[start..]));
    }
    out
}

/// One word with its secret parts masked.
fn mask_word(word: &str) -> String {
    let mut ranges = secret_ranges(word);
    if ranges.is_empty() {
        return word.to_string();
    }
    ranges.sort();
    let mut out = String::with_capacity(word.len());
    let mut done = 0;
    for (start, end) in ranges {
        if end <= done {
            continue;
        }
        let start = start.max(done);
        out.push_str(&word[done..start]);
        out.push_str("***");
        done = end;
    }
    out.push_str(&word[done..]);
    out
}

/// Where the secrets of one word are, as byte ranges: the password part of its userinfo
/// (both sides of the colon where no `//` tells a scheme from a user), and each value of a
/// password parameter.
fn secret_ranges(word: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    if let Some(at) = word.rfind('@') {
        let before = &word[..at];
        let (start, has_scheme) = match before.find("//") {
            Some(slashes) => (slashes + 2, true),
            None => (before.rfind(['=', '(', ',']).map_or(0, |p| p + 1), false),
        };
        let userinfo = &before[start..];
        if let Some(colon) = userinfo.find(':') {
            if colon + 1 < userinfo.len() {
                ranges.push((start + colon + 1, at));
            }
            if !has_scheme && colon > 0 {
                ranges.push((start, start + colon));
            }
        }
    }
    for (position, _) in word.match_indices('=') {
        let key_start = word[..position]
            .rfind(['?', '&', ';', ' '])
            .map_or(0, |p| p + 1);
        if is_password_key(&word[key_start..position]) {
            let value_end = word[position + 1..]
                .find(['&', ';'])
                .map_or(word.len(), |p| position + 1 + p);
            if value_end > position + 1 {
                ranges.push((position + 1, value_end));
            }
        }
    }
    ranges
}

/// A query parameter that carries a password (`password=`, `sslpassword=`, ...).
pub fn is_password_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("password") || key.contains("passwd") || key == "pwd"
}

fn percent_decoded(value: &str) -> Option<String> {
    if !value.contains('%') {
        return None;
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h)? * 16 + hex(l)?) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}
