//! The servers' own tools, as independent oracles: `sqlite3 .schema`, `mysqldump` and `pg_dump`,
//! normalized only where two equal schemas may be printed differently.

use crate::support::Db;

/// `sqlite3 FILE .schema`, one statement an entry (a trigger's body stays with it), without
/// our bookkeeping and SQLite's own sequence table, sorted (creation order may differ), and
/// normalized: runs of white space as one space, quotes dropped around plain names.
pub fn sqlite_schema(db: &Db) -> Vec<String> {
    let path = db.url().trim_start_matches("sqlite://");
    let output = std::process::Command::new("sqlite3")
        .arg(path)
        .arg(".schema")
        .output()
        .expect("sqlite3");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let mut statements = Vec::new();
    let (mut current, mut in_body) = (String::new(), false);
    for line in text.lines() {
        current.push_str(line);
        current.push('\n');
        in_body |= line.trim_end() == "BEGIN";
        let ends = line.ends_with(';') && (!in_body || line.trim() == "END;");
        if ends {
            statements.push(normalized(&std::mem::take(&mut current)));
            in_body = false;
        }
    }
    statements.retain(|s| !s.contains("alembic_version") && !s.contains("sqlite_sequence"));
    statements.sort();
    statements
}

/// `statement` with white space collapsed and `"plain_name"` written `plain_name`; the shell
/// adds `IF NOT EXISTS` to some tables by how their text starts.
fn normalized(statement: &str) -> String {
    let spaced = statement.split_whitespace().collect::<Vec<_>>().join(" ");
    let spaced = spaced.replace("CREATE TABLE IF NOT EXISTS ", "CREATE TABLE ");
    let parts: Vec<&str> = spaced.split('"').collect();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        out.push_str(part);
        if i + 1 < parts.len() {
            // Odd parts are inside quotes; a plain name loses them.
            let next_is_plain = |p: &str| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            };
            let inside = i % 2 == 1;
            let plain = if inside {
                next_is_plain(part)
            } else {
                next_is_plain(parts[i + 1])
            };
            if !plain {
                out.push('"');
            }
        }
    }
    out
}

/// `mysqldump --no-data --compact --routines --triggers --events`, one line an entry, without the
/// session lines around each object (the character sets and SQL mode of whoever created it),
/// definers (whoever runs the file defines), AUTO_INCREMENT counters (data) and the database's
/// own name where a default names a sequence by it.
pub fn mysql_schema(db: &Db) -> Vec<String> {
    let url = url::Url::parse(db.url()).unwrap();
    let output = std::process::Command::new("mysqldump")
        .args(["-h", url.host_str().unwrap(), "-u", url.username()])
        .arg(format!("-P{}", url.port().unwrap_or(3306)))
        .args([
            "--no-data",
            "--compact",
            "--routines",
            "--triggers",
            "--events",
            "--skip-dump-date",
        ])
        .arg(url.path().trim_start_matches('/'))
        .output()
        .expect("mysqldump");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines = Vec::new();
    let mut bookkeeping = false;
    for line in text.lines() {
        // Objects made under ANSI_QUOTES show their names in double quotes.
        let line = line.replace('"', "`");
        // A default drawing from a sequence names it with the database's own name.
        let line = line.replace(&format!("`{}`.", url.path().trim_start_matches('/')), "");
        bookkeeping |= line.starts_with("CREATE TABLE `alembic_version");
        if bookkeeping {
            bookkeeping = !line.starts_with(')');
            continue;
        }
        let bare = match line.strip_prefix("/*!") {
            Some(rest) => rest
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start(),
            None => line.as_str(),
        };
        if bare.starts_with("SET ") || bare.starts_with("DELIMITER") || line.starts_with("/*M!") {
            continue;
        }
        let mut line = line.clone();
        while let Some(at) = line.find("DEFINER=`") {
            let quotes: Vec<usize> = line[at..].match_indices('`').map(|(i, _)| i).collect();
            let end = quotes.get(3).map_or(line.len() - at, |&q| q + 1);
            line.replace_range(at..at + end, "");
        }
        let words: Vec<&str> = line
            .split(' ')
            .filter(|w| !w.starts_with("AUTO_INCREMENT=") && !w.is_empty())
            .collect();
        lines.push(words.join(" "));
    }
    lines
}

/// `pg_dump --schema-only --no-owner --no-privileges`, one statement an entry (a body in
/// dollar quotes stays with its statement), without comments, session settings, pg_dump's
/// `\restrict` guard lines (a random key each run) and our bookkeeping, sorted (two equal
/// schemas may be dumped in a different order where nothing depends on it).
pub fn postgres_schema(db: &Db) -> Vec<String> {
    let output = std::process::Command::new("pg_dump")
        .args(["--schema-only", "--no-owner", "--no-privileges", "-d"])
        .arg(db.url())
        .output()
        .expect("pg_dump");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let mut statements = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let skipped = line.starts_with("--")
            || line.starts_with("SET ")
            || line.starts_with('\\')
            || line.starts_with("SELECT pg_catalog.set_config(")
            || line.trim().is_empty();
        if skipped && current.is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if line.ends_with(';') && current.matches("$$").count().is_multiple_of(2) {
            statements.push(std::mem::take(&mut current));
        }
    }
    statements.retain(|s| !s.contains("alembic_version"));
    statements.sort();
    statements
}
