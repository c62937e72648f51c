//! The command reference in the user's guide (`docs/src/reference/`, listed in
//! `docs/src/SUMMARY.md`) and the man pages (`docs/man/`) are what the program's definition
//! generates: this test fails when a checked-in file differs, and rewrites them all when
//! `AURORA_UPDATE_REFERENCE=1` is set.

use std::path::{Path, PathBuf};

const PROGRAM: &str = "aurora-migrate";

/// The line of SUMMARY.md after which the reference's entries are generated.
const REFERENCE_PART: &str = "# Reference\n";

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

/// Every generated file, as `(path, expected text)`.
fn generated() -> Vec<(PathBuf, String)> {
    let docs = docs();
    let markdown = aurora_migrate_cli::reference::markdown_pages(PROGRAM);
    let mut files: Vec<(PathBuf, String)> = markdown
        .iter()
        .map(|(name, text)| (docs.join("src/reference").join(name), text.clone()))
        .collect();
    for (name, text) in aurora_migrate_cli::reference::man_pages(PROGRAM) {
        files.push((docs.join("man").join(name), text));
    }
    let summary_path = docs.join("src/SUMMARY.md");
    let summary = std::fs::read_to_string(&summary_path).expect("docs/src/SUMMARY.md");
    let start = summary
        .find(REFERENCE_PART)
        .expect("SUMMARY.md has a `# Reference` part, last");
    let mut entries = String::from("\n- [Command reference](reference/index.md)\n");
    for (name, _) in markdown.iter().filter(|(name, _)| name != "index.md") {
        let command = name.trim_end_matches(".md");
        entries.push_str(&format!("  - [{command}](reference/{name})\n"));
    }
    let summary = format!("{}{REFERENCE_PART}{entries}", &summary[..start]);
    files.push((summary_path, summary));
    files
}

/// The files in `dir` with extension `ext`: a command removed from the program leaves no page.
fn checked_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

#[test]
fn the_checked_in_reference_is_what_the_program_generates() {
    let files = generated();
    let docs = docs();
    let stale: Vec<PathBuf> = checked_in(&docs.join("src/reference"), "md")
        .into_iter()
        .chain(checked_in(&docs.join("man"), "1"))
        .filter(|path| !files.iter().any(|(p, _)| p == path))
        .collect();
    if std::env::var_os("AURORA_UPDATE_REFERENCE").is_some() {
        for path in &stale {
            std::fs::remove_file(path).expect("remove a stale page");
        }
        for (path, text) in &files {
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
            std::fs::write(path, text).expect("write a page");
        }
        return;
    }
    assert!(
        stale.is_empty(),
        "pages for commands the program no longer has: {stale:?}; run this test with \
         AURORA_UPDATE_REFERENCE=1 to rewrite the reference"
    );
    for (path, text) in &files {
        let current = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            current == *text,
            "{} is not what the program generates; run this test with \
             AURORA_UPDATE_REFERENCE=1 to rewrite the reference",
            path.display()
        );
    }
}

#[test]
fn there_is_a_page_for_every_command() {
    let pages = aurora_migrate_cli::reference::markdown_pages(PROGRAM);
    for command in ["upgrade", "downgrade", "lease", "scratch", "completions"] {
        assert!(
            pages
                .iter()
                .any(|(name, _)| *name == format!("{command}.md")),
            "no page for {command}"
        );
    }
    let lease = &pages
        .iter()
        .find(|(n, _)| n == "lease.md")
        .expect("lease")
        .1;
    assert!(lease.contains("## aurora-migrate lease show"), "{lease}");
    let man = aurora_migrate_cli::reference::man_pages(PROGRAM);
    assert!(man.iter().any(|(name, _)| name == "aurora-migrate.1"));
    assert!(
        man.iter()
            .any(|(name, _)| name == "aurora-migrate-lease-show.1")
    );
}
