//! Passwords to keep out of every message: those a parsed URL holds, and those that text of
//! any shape seems to hold (a URL with a typo, a `.env` line), so that output can be scrubbed
//! of them whatever went wrong. Pure text work: no URL parser, no I/O.
//! Must not import anything.

/// Shorter values are not scrubbed from text: removing every `ab` would garble messages. The
/// structural masking of [`super::DatabaseUrl`] covers them.
const SHORTEST: usize = 3;

/// A set of secret strings and the means to remove them from text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    values: Vec<String>,
}

impl Secrets {
    /// Adds a secret as written.
    pub fn add(&mut self, value: &str) {
        if value.chars().count() >= SHORTEST && !self.values.iter().any(|v| v == value) {
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

    /// Adds every password that `text` seems to hold.
    pub fn add_found_in(&mut self, text: &str) {
        for found in passwords_in(text) {
            self.add_encoded(&found);
        }
    }

    /// Adds every secret of `other`.
    pub fn extend(&mut self, other: &Secrets) {
        for value in &other.values {
            self.add(value);
        }
    }

    /// No secret known.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `text` with every secret replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for value in &self.values {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), "***");
            }
        }
        out
    }
}

/// A query parameter that carries a password (`password=`, `sslpassword=`, ...).
pub fn is_password_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("password") || key.contains("passwd") || key == "pwd"
}

/// What looks like a password in `text`, whatever its shape: the part between the first `:`
/// after `//` (or after the start of a word) and the last `@` of a URL-like word, and the value
/// of `password=` parameters. Generous on purpose: scrubbing a little too much is harmless.
pub fn passwords_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || c == '"' || c == '\'') {
        if let Some(at) = word.rfind('@') {
            let before = &word[..at];
            let (userinfo, has_scheme) = match before.find("//") {
                Some(slashes) => (&before[slashes + 2..], true),
                None => (
                    before.rsplit(['=', '(', ',']).next().unwrap_or(before),
                    false,
                ),
            };
            if let Some((first, password)) = userinfo.split_once(':') {
                if !password.is_empty() {
                    found.push(password.to_string());
                }
                // Without `//` nothing tells a scheme from a user name or a password: take
                // both sides.
                if !has_scheme && !first.is_empty() {
                    found.push(first.to_string());
                }
            }
        }
        for (position, _) in word.match_indices('=') {
            let key = word[..position]
                .rsplit(['?', '&', ';', ' '])
                .next()
                .unwrap_or_default();
            if is_password_key(key) {
                let value = word[position + 1..]
                    .split(['&', ';'])
                    .next()
                    .unwrap_or_default();
                if !value.is_empty() {
                    found.push(value.to_string());
                }
            }
        }
    }
    found
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
