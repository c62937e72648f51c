//! What a statement removes: the tables and columns it drops and the tables it empties, read
//! from its words (quotes and comments understood), so that a guard can ask whether they hold
//! rows. Pure text work: no parser crate, no database; must not import the runner.
//!
//! Seen: `DROP TABLE`, `ALTER TABLE ... DROP [COLUMN]` (every action of the statement),
//! `TRUNCATE [TABLE]`, `DELETE FROM`, and `DROP SCHEMA`/`DROP DATABASE`/`DROP OWNED`, which
//! remove what cannot be counted. Not seen: what a function, a `DO` block or a trigger does.

/// One removal a statement makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    /// The table and its rows.
    Table(String),
    /// A column of this table, and its values.
    Column {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// The table's rows (`TRUNCATE`, `DELETE`).
    Rows(String),
    /// Objects that cannot be counted before they go (a schema, a database).
    Uncountable(String),
}

impl Removal {
    /// The table whose rows are at stake, if one can be named.
    pub fn table(&self) -> Option<&str> {
        match self {
            Removal::Table(table) | Removal::Rows(table) => Some(table),
            Removal::Column { table, .. } => Some(table),
            Removal::Uncountable(_) => None,
        }
    }
}

impl std::fmt::Display for Removal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Removal::Table(table) => write!(f, "drops table {table}"),
            Removal::Column { table, column } => write!(f, "drops column {table}.{column}"),
            Removal::Rows(table) => write!(f, "deletes the rows of {table}"),
            Removal::Uncountable(what) => write!(f, "drops {what}"),
        }
    }
}

/// The removals of one statement.
pub fn removals(statement: &str) -> Vec<Removal> {
    let words = words(statement);
    let upper: Vec<String> = words.iter().map(|w| w.keyword()).collect();
    let is = |i: usize, word: &str| upper.get(i).is_some_and(|w| w == word);
    let mut found = Vec::new();
    match upper.first().map(String::as_str) {
        Some("DROP") if is(1, "TABLE") => {
            let mut i = 2;
            if is(i, "IF") && is(i + 1, "EXISTS") {
                i += 2;
            }
            for name in names_from(&words, i) {
                found.push(Removal::Table(name));
            }
        }
        Some("DROP") if is(1, "SCHEMA") || is(1, "DATABASE") || is(1, "OWNED") => {
            found.push(Removal::Uncountable(words.get(1..3).map_or(
                String::new(),
                |w| {
                    w.iter()
                        .map(|w| w.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                },
            )));
        }
        Some("TRUNCATE") => {
            let start = if is(1, "TABLE") { 2 } else { 1 };
            let start = if is(start, "ONLY") { start + 1 } else { start };
            for name in names_from(&words, start) {
                found.push(Removal::Rows(name));
            }
        }
        Some("DELETE") if is(1, "FROM") => {
            let at = if is(2, "ONLY") { 3 } else { 2 };
            if let Some(name) = words.get(at).map(|w| w.text.clone()) {
                found.push(Removal::Rows(name));
            }
        }
        Some("ALTER") if is(1, "TABLE") => {
            let mut i = 2;
            if is(i, "IF") && is(i + 1, "EXISTS") {
                i += 2;
            }
            if is(i, "ONLY") {
                i += 1;
            }
            let Some(table) = words.get(i).map(|w| w.text.clone()) else {
                return found;
            };
            // Each action follows the table name or a comma at the statement's top level.
            let mut at = i + 1;
            while at < words.len() {
                if is(at, "DROP") && !is(at + 1, "CONSTRAINT") && !is(at + 1, "INDEX") {
                    let mut c = at + 1;
                    if is(c, "COLUMN") {
                        c += 1;
                    }
                    if is(c, "IF") && is(c + 1, "EXISTS") {
                        c += 2;
                    }
                    let plain = !matches!(
                        upper.get(c).map(String::as_str),
                        Some("PRIMARY" | "FOREIGN" | "KEY" | "CHECK" | "DEFAULT" | "EXPRESSION")
                    );
                    if plain
                        && !is(at + 1, "DEFAULT")
                        && let Some(column) = words.get(c).filter(|w| !w.is_punctuation())
                    {
                        found.push(Removal::Column {
                            table: table.clone(),
                            column: column.text.clone(),
                        });
                    }
                }
                // Skip to the next top-level comma.
                while at < words.len() && words[at].text != "," {
                    at += 1;
                }
                at += 1;
            }
        }
        _ => {}
    }
    found
}

/// Comma-separated names from `start` until a keyword that ends the list.
fn names_from(words: &[Word], start: usize) -> Vec<String> {
    let mut names = Vec::new();
    let mut i = start;
    while let Some(word) = words.get(i) {
        if word.is_punctuation()
            || (!word.quoted && ["CASCADE", "RESTRICT"].contains(&word.keyword().as_str()))
        {
            break;
        }
        names.push(word.text.clone());
        if words.get(i + 1).is_some_and(|w| w.text == ",") {
            i += 2;
        } else {
            break;
        }
    }
    names
}

/// A word of a statement: a (possibly schema-qualified, possibly quoted) name, a keyword, or
/// one punctuation character. Quoted names lose their quotes; parentheses and their contents
/// are skipped, so a column list never reads as actions.
#[derive(Debug)]
struct Word {
    text: String,
    quoted: bool,
}

impl Word {
    fn keyword(&self) -> String {
        if self.quoted {
            String::new()
        } else {
            self.text.to_ascii_uppercase()
        }
    }

    fn is_punctuation(&self) -> bool {
        !self.quoted && self.text.len() == 1 && !self.text.as_bytes()[0].is_ascii_alphanumeric()
    }
}

fn words(statement: &str) -> Vec<Word> {
    let chars: Vec<char> = statement.chars().collect();
    let mut words: Vec<Word> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    // A name continues across `.`: `schema.table`, `"schema"."table"`.
    let mut joined = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
            continue;
        }
        let (text, quoted, next) = match c {
            '"' | '`' | '\'' => {
                let mut text = String::new();
                let mut j = i + 1;
                while j < chars.len() {
                    if chars[j] == c {
                        if chars.get(j + 1) == Some(&c) {
                            text.push(c);
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    text.push(chars[j]);
                    j += 1;
                }
                (text, c != '\'', j + 1)
            }
            _ if c.is_alphanumeric() || c == '_' || c == '$' => {
                let mut j = i;
                while j < chars.len()
                    && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '$')
                {
                    j += 1;
                }
                (chars[i..j].iter().collect(), false, j)
            }
            _ if c.is_whitespace() => {
                i += 1;
                joined = false;
                continue;
            }
            '(' => {
                depth += 1;
                i += 1;
                continue;
            }
            ')' => {
                depth = depth.saturating_sub(1);
                i += 1;
                continue;
            }
            '.' if depth == 0 && !words.is_empty() => {
                joined = true;
                i += 1;
                continue;
            }
            _ => (c.to_string(), false, i + 1),
        };
        i = next;
        if depth > 0 {
            continue;
        }
        match words.last_mut() {
            Some(last)
                if joined && (quoted || text.chars().all(|c| c.is_alphanumeric() || c == '_')) =>
            {
                last.text = format!("{}.{text}", last.text);
                last.quoted |= quoted;
            }
            _ => words.push(Word { text, quoted }),
        }
        joined = false;
    }
    words
}

#[cfg(test)]
mod tests;
